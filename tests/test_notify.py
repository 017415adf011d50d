"""Notifier: once per cause per minute, redacted, with an injected clock."""

from __future__ import annotations

from lsprotocol import types

from tests.clock import Clock
from vc_lsp.notify import REPEAT_AFTER_S, Notifier
from vc_lsp.redact import MASK, remember_secret
from vc_lsp.upstream.errors import (
    AuthError,
    ModelNotFound,
    NetworkError,
    RateLimited,
    ServerError,
)

BASE = "https://api.test/v1"


def make() -> tuple[Notifier, Clock, list[tuple[str, types.MessageType]]]:
    shown: list[tuple[str, types.MessageType]] = []
    clock = Clock(1000.0)
    return Notifier(lambda m, k: shown.append((m, k)), clock=clock), clock, shown


def test_once_per_cause_per_minute() -> None:
    notifier, clock, shown = make()
    assert notifier.warn_once("auth", "bad key") is True
    clock.now += 1
    assert notifier.warn_once("auth", "bad key") is False
    assert notifier.warn_once("auth", "different words, same cause") is False
    clock.now += REPEAT_AFTER_S - 1.001
    assert notifier.warn_once("auth", "bad key") is False
    assert [m for m, _ in shown] == ["bad key"]


def test_again_after_sixty_seconds() -> None:
    notifier, clock, shown = make()
    notifier.warn_once("auth", "bad key")
    clock.now += REPEAT_AFTER_S
    assert REPEAT_AFTER_S == 60
    assert notifier.warn_once("auth", "bad key") is True
    clock.now += 30  # the minute restarts from the last time it was shown
    assert notifier.warn_once("auth", "bad key") is False
    assert len(shown) == 2


def test_again_after_forget() -> None:
    notifier, _clock, shown = make()
    notifier.warn_once("auth", "bad key")
    notifier.forget()
    assert notifier.warn_once("auth", "bad key") is True
    assert len(shown) == 2


def test_different_causes_are_independent() -> None:
    notifier, _clock, shown = make()
    assert notifier.warn_once("auth", "a")
    assert notifier.warn_once("server", "b")
    assert notifier.warn_once("setting:x", "c")
    assert [m for m, _ in shown] == ["a", "b", "c"]


def test_message_is_redacted() -> None:
    notifier, _clock, shown = make()
    remember_secret("sk-notify-4c2b9e1f-secret")
    notifier.warn_once("auth", "key sk-notify-4c2b9e1f-secret was rejected")
    assert shown == [(f"key {MASK} was rejected", types.MessageType.Warning)]


def test_upstream_errors_kinds_and_causes() -> None:
    notifier, _clock, shown = make()
    assert notifier.upstream(AuthError("HTTP 401", key_env="K", base_url=BASE))
    assert notifier.upstream(RateLimited("HTTP 429", retry_after=7, base_url=BASE))
    assert notifier.upstream(ServerError("HTTP 500", base_url=BASE))
    assert notifier.upstream(NetworkError("refused", base_url=BASE))
    assert not notifier.upstream(ServerError("HTTP 502", base_url=BASE))
    kinds = [k for _, k in shown]
    assert kinds == [types.MessageType.Error, types.MessageType.Info,
                     types.MessageType.Warning, types.MessageType.Warning]
    assert "K" in shown[0][0] and "7 s" in shown[1][0]


def test_each_missing_model_is_told() -> None:
    notifier, _clock, shown = make()
    assert notifier.upstream(ModelNotFound("not in /models", base_url=BASE, model="a"))
    assert notifier.upstream(ModelNotFound("not in /models", base_url=BASE, model="b"))
    assert not notifier.upstream(ModelNotFound("HTTP 404", base_url=BASE, model="a"))
    assert ["'a'" in m for m, _ in shown] == [True, False]
    assert all(k == types.MessageType.Error for _, k in shown)

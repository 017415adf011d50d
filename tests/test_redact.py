"""The API key never reaches a log line or a message once it is known."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from vc_lsp.redact import MASK, RedactingFilter, redact, remember_env_secret, remember_secret

KEY = "sk-redact-91c4e2f0-test-only-zyxwv"


@pytest.fixture
def logged() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger whose one handler has the filter, as cli._setup_logging installs it."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger("vc_lsp.test_redact")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    yield logger, out
    logger.handlers.clear()


def test_remembered_secret_is_masked() -> None:
    remember_secret(KEY)
    assert redact(f"key={KEY}; again {KEY}") == f"key={MASK}; again {MASK}"


def test_too_short_values_are_not_remembered() -> None:
    remember_secret("abc")
    remember_secret("")
    remember_secret(None)
    assert redact("abc abcd") == "abc abcd"


def test_secret_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VC_LSP_REDACT_TEST_KEY", "  sk-env-3d9a1b7c55  ")
    remember_env_secret("VC_LSP_REDACT_TEST_KEY")
    assert "sk-env-3d9a1b7c55" not in redact("sent sk-env-3d9a1b7c55")
    remember_env_secret("VC_LSP_REDACT_UNSET_VARIABLE")  # unset: nothing remembered, no error


def test_longer_secret_containing_a_shorter_one_is_masked_whole() -> None:
    remember_secret("sk-aaaa")
    remember_secret("sk-aaaa-bbbb-cccc")
    assert redact("x sk-aaaa-bbbb-cccc y") == f"x {MASK} y"


@pytest.mark.parametrize("text", [
    "Authorization: Bearer sk-unknown-0123456789abcdef",
    "authorization: bearer sk-unknown-0123456789abcdef",
    "(b'authorization', b'Bearer sk-unknown-0123456789abcdef')",
    "{'Authorization': 'Bearer eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl'}",
])
def test_bearer_token_in_text_is_masked(text: str) -> None:
    cleaned = redact(text)
    assert "sk-unknown-0123456789abcdef" not in cleaned
    assert "eyJzdWIiOi" not in cleaned
    assert MASK in cleaned


def test_short_bearer_words_are_left_alone() -> None:
    assert redact("the Bearer of bad news") == "the Bearer of bad news"


def test_key_never_in_a_formatted_record(logged: tuple[logging.Logger, io.StringIO]) -> None:
    logger, out = logged
    remember_secret(KEY)
    logger.info("plain %s", KEY)
    logger.info("in a dict %r", {"headers": {"Authorization": f"Bearer {KEY}"}})
    logger.info("mapping args %(k)s", {"k": KEY})
    logger.info(KEY)
    logger.warning("several %s %d %s", "a", 1, KEY)
    try:
        try:
            raise ValueError(f"inner failure with {KEY}")
        except ValueError as inner:
            raise RuntimeError(f"outer failure with {KEY}") from inner
    except RuntimeError:
        logger.exception("request failed for %s", KEY)
    logger.error("with stack %s", KEY, stack_info=True)
    text = out.getvalue()
    assert KEY not in text
    assert text.count(MASK) >= 9
    assert "inner failure with" in text and "outer failure with" in text  # traceback kept


def test_record_with_bad_arguments_does_not_raise(
        logged: tuple[logging.Logger, io.StringIO]) -> None:
    logger, out = logged
    remember_secret(KEY)
    logger.info("needs two %s %s", KEY)  # a bug at the call site must not crash the caller
    assert KEY not in out.getvalue()


def test_filter_on_the_handler_covers_child_loggers() -> None:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(RedactingFilter())
    parent = logging.getLogger("vc_lsp_redact_parent")
    parent.handlers[:] = [handler]
    parent.setLevel(logging.DEBUG)
    parent.propagate = False
    try:
        remember_secret(KEY)
        logging.getLogger("vc_lsp_redact_parent.httpx").debug("headers %s", f"Bearer {KEY}")
    finally:
        parent.handlers.clear()
    assert KEY not in out.getvalue() and MASK in out.getvalue()

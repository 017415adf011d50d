"""The typing rhythm on a fake clock: what counts as a keystroke, how the pause adapts to the
user's gaps and the model's speed, and when a completion request is "typing"."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from lsprotocol import types

from tests.clock import Clock
from vc_lsp.config.settings import InlineSettings
from vc_lsp.inline.rhythm import BURST_S, LEARNED, Rhythm

URI = "file:///a.py"


def key(text: str = "x", *, line: int = 0, start: int = 0, end: int | None = None
        ) -> list[types.TextDocumentContentChangeEvent]:
    rng = types.Range(start=types.Position(line=line, character=start),
                      end=types.Position(line=line, character=start if end is None else end))
    return [types.TextDocumentContentChangePartial(range=rng, text=text)]


def typed(rhythm: Rhythm, clock: Clock, gaps: list[float], uri: str = URI) -> None:
    rhythm.changed(uri, key())
    for gap in gaps:
        clock.now += gap
        rhythm.changed(uri, key())


@pytest.fixture
def clock() -> Clock:
    return Clock()


SETTINGS = InlineSettings()  # debounceMs 75, debounceMaxMs 400, adaptive


def test_before_there_is_a_rhythm_the_floor_is_used(clock: Clock) -> None:
    rhythm = Rhythm(clock)
    typed(rhythm, clock, [0.1] * (LEARNED - 1))
    assert rhythm.gap_s is None
    assert rhythm.debounce_s(SETTINGS) == pytest.approx(0.075)


def test_the_pause_follows_the_users_gap(clock: Clock) -> None:
    fast, slow = Rhythm(clock), Rhythm(clock)
    typed(fast, clock, [0.08] * 10)
    typed(slow, clock, [0.2] * 10)
    assert fast.debounce_s(SETTINGS) == pytest.approx(0.08 * 1.5)
    assert slow.debounce_s(SETTINGS) == pytest.approx(0.2 * 1.5)


def test_a_slow_model_waits_for_a_longer_pause(clock: Clock) -> None:
    rhythm = Rhythm(clock)
    typed(rhythm, clock, [0.1] * 10)
    rhythm.answered(0.05)  # answers within one gap
    quick = rhythm.debounce_s(SETTINGS)
    for _ in range(20):
        rhythm.answered(1.0)  # ten gaps: cut off by many keystrokes
    slow = rhythm.debounce_s(SETTINGS)
    assert quick == pytest.approx(0.12) and slow == pytest.approx(0.2)


@given(st.lists(st.floats(0.01, BURST_S * 0.99), min_size=LEARNED, max_size=40),
       st.one_of(st.none(), st.floats(0.0, 30.0)))
def test_the_pause_stays_within_its_settings(gaps: list[float], model: float | None) -> None:
    clock = Clock()
    rhythm = Rhythm(clock)
    typed(rhythm, clock, gaps)
    if model is not None:
        rhythm.answered(model)
    assert 0.075 <= rhythm.debounce_s(SETTINGS) <= 0.4


def test_off_or_clamped_by_the_settings(clock: Clock) -> None:
    rhythm = Rhythm(clock)
    typed(rhythm, clock, [0.3] * 10)
    assert rhythm.debounce_s(attrs.evolve(SETTINGS, adaptive_debounce=False)) == 0.075
    assert rhythm.debounce_s(attrs.evolve(SETTINGS, debounce_max_ms=200)) == pytest.approx(0.2)
    assert rhythm.debounce_s(attrs.evolve(SETTINGS, debounce_ms=600)) == pytest.approx(0.6)


@pytest.mark.parametrize("change", [
    key("(\n    )"),                                  # a paste-sized insertion
    key("", start=0, end=12),                         # a word deleted
    key("completion_item"),                           # an accepted suggestion
    [types.TextDocumentContentChangePartial(          # lines replaced
        range=types.Range(start=types.Position(line=0, character=0),
                          end=types.Position(line=3, character=0)), text="")],
], ids=["paste", "word-delete", "accepted", "lines"])
def test_edits_that_are_not_keystrokes_do_not_count(clock: Clock, change) -> None:
    rhythm = Rhythm(clock)
    typed(rhythm, clock, [0.1] * 3)
    clock.now += 0.01
    rhythm.changed(URI, change)  # would be a 10 ms gap, and it ends the burst
    clock.now += 0.1
    rhythm.changed(URI, key())
    assert rhythm.gap_s is None and not rhythm.typing(URI)


@pytest.mark.parametrize("change", [
    key("()"), key("\n        "), key("", start=4, end=5),
    [types.TextDocumentContentChangeWholeDocument(text="all of it")],
], ids=["auto-pair", "enter-with-indent", "backspace", "full-sync"])
def test_keystrokes_of_every_shape_count(clock: Clock, change) -> None:
    rhythm = Rhythm(clock)
    rhythm.changed(URI, change)
    for _ in range(LEARNED):
        clock.now += 0.1
        rhythm.changed(URI, change)
    assert rhythm.gap_s == pytest.approx(0.1)


def test_a_pause_is_not_a_gap(clock: Clock) -> None:
    rhythm = Rhythm(clock)
    typed(rhythm, clock, [0.1] * 4 + [BURST_S + 1] + [0.1] * 4)
    assert rhythm.gap_s == pytest.approx(0.1)


def test_typing_means_two_keys_in_rhythm_and_one_just_now(clock: Clock) -> None:
    rhythm = Rhythm(clock)
    rhythm.changed(URI, key())
    assert not rhythm.typing(URI)  # one key: the user may be asking now
    clock.now += 0.05
    rhythm.changed(URI, key())
    assert rhythm.typing(URI)
    assert not rhythm.typing("file:///other.py")
    clock.now += 0.6
    assert not rhythm.typing(URI)  # they stopped: a request now is theirs


def test_forgotten_documents_are_not_typing(clock: Clock) -> None:
    rhythm = Rhythm(clock)
    typed(rhythm, clock, [0.05])
    rhythm.forget(URI)
    assert not rhythm.typing(URI)

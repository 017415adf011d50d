"""Messages for the user: one line that fits an 80-column screen.

Every ``window/showMessage`` the server sends is one line of at most ``MESSAGE_WIDTH``
characters (an editor's echo area or status line; Neovim asks "Press ENTER" for a longer one,
Helix shows one line). What does not fit (an HTTP body, a full URL, why a value is wrong in
every detail) goes to the log. The one exception is an explanation shown as a message where the
editor has no other way to show it: that message is the answer itself.
"""

from __future__ import annotations

MESSAGE_WIDTH = 80  # a message is one line of an 80-column screen


def short(text: str, limit: int = 72) -> str:
    """One line of at most ``limit`` characters, for titles and messages."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[:limit - 1].rstrip() + "…"


def fit(template: str, *, whole: tuple[str, ...] = (), **names: str) -> str:
    """``template`` filled in, the ``names`` (a title, a file name, an error's detail)
    shortened so the message fits ``MESSAGE_WIDTH``; the fixed words are what the message is
    for, so they stay. The longest names give way first; those in ``whole`` (a setting or a
    variable the user must type) only when nothing else is left to shorten."""
    values = {key: " ".join(value.split()) for key, value in names.items()}
    room = MESSAGE_WIDTH - len(template.format(**{key: "" for key in values}))
    kept = {key: v for key, v in values.items() if key in whole}
    cut = _shares({key: v for key, v in values.items() if key not in whole},
                  room - sum(len(v) for v in kept.values()))
    cut.update(_shares(kept, room - sum(len(v) for v in cut.values())))
    return short(template.format(**cut), MESSAGE_WIDTH)


def _shares(values: dict[str, str], room: int) -> dict[str, str]:
    """Each value at most ``cap`` characters, the largest ``cap`` that fits ``room``."""
    if sum(len(v) for v in values.values()) <= room:
        return dict(values)
    cap = max(0, room)
    for cap in range(max((len(v) for v in values.values()), default=0), -1, -1):
        if sum(min(len(v), cap) for v in values.values()) <= room:
            break
    cap = max(cap, 4)  # a stub still says what it was
    return {key: short(v, cap) if len(v) > cap else v for key, v in values.items()}


OWN_WORDS = 40  # a reason this short is vc-lsp's own wording (it names a setting): keep it whole


def reason(text: str) -> tuple[str, ...]:
    """``whole=`` for a message's ``why``: kept whole when it is our own short wording, cut
    when it is an upstream's detail."""
    return ("why",) if len(text) <= OWN_WORDS else ()


def fits(message: str) -> bool:
    return "\n" not in message and len(message) <= MESSAGE_WIDTH

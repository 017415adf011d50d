"""Tell the user about a problem once per cause per minute, in plain words."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from lsprotocol import types

from .redact import redact
from .upstream.errors import AuthError, ModelNotFound, RateLimited, UpstreamError

log = logging.getLogger(__name__)

REPEAT_AFTER_S = 60.0
Show = Callable[[str, types.MessageType], None]


class Notifier:
    """Rate-limits popups by cause so a broken key does not produce one per keystroke."""

    def __init__(self, show: Show, clock: Callable[[], float] = time.monotonic) -> None:
        self._show = show
        self._clock = clock
        self._last: dict[str, float] = {}

    def warn_once(self, cause: str, message: str,
                  kind: types.MessageType = types.MessageType.Warning, *,
                  details: str = "") -> bool:
        """Show ``message`` unless ``cause`` was shown within the last minute; True if shown.
        ``details`` (the whole story, longer than a line) goes to the log instead."""
        message = redact(message)
        now = self._clock()
        last = self._last.get(cause)
        if last is not None and now - last < REPEAT_AFTER_S:
            log.debug("suppressed repeat (%s): %s", cause, redact(details or message))
            return False
        self._last[cause] = now
        log.warning("%s", redact(details or message))
        self._show(message, kind)
        return True

    def say(self, message: str, kind: types.MessageType = types.MessageType.Info) -> None:
        """Always show ``message``: the answer to something the user just asked for (an action's
        outcome) must not be swallowed because a similar message was shown a minute ago."""
        message = redact(message)
        log.info("%s", message)
        self._show(message, kind)

    def upstream(self, err: UpstreamError) -> bool:
        kind = (types.MessageType.Error if isinstance(err, AuthError | ModelNotFound)
                else types.MessageType.Warning)
        if isinstance(err, RateLimited):
            kind = types.MessageType.Info
        cause = err.cause
        if isinstance(err, ModelNotFound) and err.model:
            cause = f"{cause}:{err.model}"  # two missing models are two problems to fix
        return self.warn_once(cause, err.user_message(), kind, details=err.full_message())

    def forget(self) -> None:
        """After a settings change the user should hear about a still-broken setup again."""
        self._last.clear()

"""``StatusService``: the one owner of what the user is told about the server's state.

It holds the status (``reporter.py``), the reasons for empty answers (``why.py``) and the
progress of bursts of calls (``progress.py``), observes the upstream client and the work
registry, and gives the completion handlers one block to run their request in
(``completion``): it decides up front what gets no request at all (completions turned off, an
excluded file, the daily budget reached for an automatic request), tells the status which
document is in front, reports ``$/progress`` on the request's own token, and, once the answer
is known, puts the acceptance command on each suggestion and keeps the report.

Another feature (next-edit suggestions) reports the same way: its requests carry its feature
name (``ChatRequest.feature``), so busy, errors and the ledger need nothing more; its handler
can open ``book.attempt(uri, "nextEdit", ...)`` for reports of its own.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from lsprotocol import types
from pygls.capabilities import get_capability
from pygls.lsp.server import LanguageServer

from .. import scratch
from ..config import Settings
from ..documents import file_name
from ..feature import Feature
from ..upstream.calls import CallRecord
from ..upstream.errors import UpstreamError
from ..usage.acceptance import Acceptance
from ..usage.ledger import Ledger
from ..work import Job, Work
from . import progress, why
from .model import METHOD, Status
from .reporter import StatusReporter
from .why import Attempt, Reason, WhyBook

if TYPE_CHECKING:
    from ..context import ContextService
    from ..inline.query import CompletionQuery
    from ..upstream.client import ChatRequest

log = logging.getLogger(__name__)
KEEP_REPORT_FILES_S = 3600.0
EMPTY_SUFFIX = "/empty"  # the usage file keeps a document's last empty report under this too


@dataclass
class Seen:
    """The handler's side of one completion request."""

    attempt: Attempt
    refused: bool  # no request: turned off, or over budget for an automatic one
    model: str
    _service: StatusService = field(repr=False)

    def answer(self, items: list[str]) -> list[types.Command]:
        """The suggestions the editor gets: recorded, and a ``vc.accepted`` command each."""
        self.attempt.items = list(items)
        if not items:
            return []
        call = self.attempt.call
        return self._service.acceptance.offer(
            self.attempt.uri, self.attempt.feature, items,
            model=call.model if call is not None else self.model,
            call_id=call.call_id if call is not None and call.outcome != "failed" else None,
            language=self.attempt.language)


class Completions(Protocol):
    """What the status asks the inline service about a request it is to answer."""

    def joining(self, q: CompletionQuery) -> Job | None:
        """The running job ``q`` would be answered from."""

    def pause_ms(self, settings: Settings) -> int:
        """The pause an automatic request waits for now."""


class StatusService(Feature):
    def __init__(self, server: LanguageServer, work: Work, ledger: Ledger,
                 acceptance: Acceptance, context: ContextService | None = None,
                 completions: Completions | None = None) -> None:
        self._server = server
        self._completions = completions
        self._context = context
        self.ledger = ledger
        self.acceptance = acceptance
        self.reporter = StatusReporter(self._send)
        self.book = WhyBook(work)
        self.progress = progress.BurstProgress(server, work)
        self.reporter.busy_listeners.append(self.progress.changed)
        self.book.on_report.append(self._remember)
        work.listen(self.book.job_started)
        ledger.listeners.append(self._spent)
        self._settings: Settings | None = None
        self._ready = False  # statuses go out once the client has said `initialized`
        self._notify = True
        self._keep_prompts = True

    # -- the lifecycle ---------------------------------------------------------------------

    def started(self) -> None:
        """The client is initialized: tell it the status as it is."""
        self._ready = True
        self.reporter.announce()

    def on_settings(self, settings: Settings) -> None:
        self._settings = settings
        self._notify = settings.status.notify
        self._keep_prompts = settings.status.remember_prompts
        caps = getattr(self._server, "client_capabilities", None)
        self.progress.enabled = settings.status.progress and bool(
            caps is not None and get_capability(caps, "window.work_done_progress"))
        self.reporter.reset()
        self._spent()

    def _spent(self) -> None:
        """Today's spending changed (a call ended, another server's spending was read)."""
        if self._settings is not None:
            self.reporter.budget(self.ledger.over_budget(self._settings))

    def on_close(self, uri: str) -> None:
        self.book.forget(uri)

    async def shutdown(self) -> None:
        self.reporter.close()

    # -- observing the upstream client ------------------------------------------------------

    def call_started(self, req: ChatRequest) -> None:
        self.book.call_started(req)
        self.reporter.call_started(req)

    def call_ended(self, req: ChatRequest, record: CallRecord) -> None:
        self.book.call_ended(req, record)
        self.reporter.call_ended(req, record)

    def call_refused(self, req: ChatRequest, err: UpstreamError) -> None:
        self.book.call_refused(req, err)
        self.reporter.call_refused(req, err)

    # -- a completion request ---------------------------------------------------------------

    @contextlib.contextmanager
    def completion(self, q: CompletionQuery, settings: Settings, token: Any = None,
                   *, budget_ms: int | None = None) -> Iterator[Seen]:
        """Run one completion request inside: see the module docstring."""
        with self.book.attempt(q.uri, "inline", invoked=q.invoked,
                               joins=functools.partial(self._completions.joining, q)
                               if self._completions else None,
                               language=q.language) as attempt, \
                progress.on_token(self._server, token, "Completing…"):
            attempt.debounce_ms = (self._completions.pause_ms(settings) if self._completions
                                   else settings.inline.debounce_ms)
            attempt.budget_ms = budget_ms
            refused = self._gate(attempt, q, settings)
            yield Seen(attempt, refused, settings.inline_model, self)

    def _gate(self, attempt: Attempt, q: CompletionQuery, settings: Settings) -> bool:
        """Decide what gets no request, and tell the status about the document in front."""
        over = self.ledger.over_budget(settings)
        self.reporter.budget(over)
        if not settings.inline.enabled:
            attempt.refuse(Reason.DISABLED, "Completions are turned off (inline.enabled is "
                                            "false).")
            self.reporter.focus(q.uri, "Completions off (inline.enabled)")
            return True
        glob = self._context.excluded(q.uri) if self._context is not None else None
        if glob is not None:
            name = file_name(q.uri)
            attempt.refuse(Reason.EXCLUDED, f"{name} is excluded ({glob}): nothing from it is "
                                            f"sent (see 'exclude').")
            self.reporter.focus(q.uri, f"Off for {name}: excluded ({glob})")
            return False  # the service says so once, in a message
        self.reporter.focus(q.uri, None)
        if over is not None and not q.invoked:
            attempt.refuse(Reason.BUDGET, over + " (usage.dailyBudget / usage.dailyTokens).")
            return True
        return False

    # -- the status out ----------------------------------------------------------------------

    def _send(self, status: Status) -> None:
        if self._ready and self._notify:
            log.debug("status: %s", status.params())
            self._server.protocol.notify(METHOD, status.params())

    def _remember(self, report: dict[str, Any]) -> None:
        if not self._keep_prompts:
            report = {**report, "messages": [],
                      "cleanup": [{**t, "raw": "", "text": ""} for t in report["cleanup"]]}
        self.ledger.remember(report["uri"], report["feature"], report)
        if report["reason"] != Reason.ANSWERED.value:
            self.ledger.remember(report["uri"], report["feature"] + EMPTY_SUFFIX, report)

    # -- vc.why -------------------------------------------------------------------------------

    async def show_why(self, uri: str | None) -> None:
        """The report as a Markdown document the editor opens, else one line."""
        answer = self.book.why(uri)
        caps = self._server.client_capabilities
        if answer["last"] is not None and get_capability(caps, "window.show_document.support"):
            name = f"why-{time.strftime('%H%M%S')}-{uuid.uuid4().hex[:6]}.md"
            try:
                path = scratch.create(scratch.folder("why"), name, why.markdown(answer),
                                      keep_s=KEEP_REPORT_FILES_S)
                result = await self._server.window_show_document_async(
                    types.ShowDocumentParams(uri=path.as_uri(), take_focus=True))
                if result.success:
                    return
            except Exception as exc:  # a scratch folder or client that does not work: a line
                log.info("showing the why report failed: %s", exc)
        report = answer["lastEmpty"] or answer["last"]
        self._server.window_show_message(types.ShowMessageParams(
            type=types.MessageType.Info, message=why.one_line(report)))

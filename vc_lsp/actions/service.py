"""The one owner of actions: from the command that starts one to its last message.

Each action runs as a job in the work registry (``work.py`` says what stops what). Per
document this keeps the record of the last edit (its writer follows the region, its session
while it streams), for ``vc.revert`` and for routing every ``didChange`` to the writer, which
tells the edit's echo from the user's typing. Each session owns its upstream reader task.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from ..config import Settings
from ..documents import Document, file_name, snapshot
from ..feature import Changes, Feature
from ..messages import reason
from ..notify import Notifier
from ..privacy import Redaction
from ..upstream.client import ChatRequest, UpstreamClient
from ..upstream.limits import AnswerBudget
from ..work import Job, Kind, Work
from . import plan as planning
from . import prompts
from .catalog import fit
from .edit_stream import EditSession, Outcome
from .editor import Editor
from .explain import ExplainSession
from .progress import Progress
from .reader import Session, Sink, pump
from .regions import lines_label
from .request import Request as Request
from .writer import RegionWriter, Status

if TYPE_CHECKING:
    from ..context import ContextService

log = logging.getLogger(__name__)
ACTION_KINDS = (Kind.EDIT, Kind.EXPLAIN)


@dataclass
class _Record:
    """The last edit in a document: its region (kept up to date) and, while it streams, its
    session."""

    writer: RegionWriter
    plan: planning.Plan
    session: EditSession | None = None


class ActionService(Feature):
    def __init__(self, server: LanguageServer, upstream: UpstreamClient, work: Work,
                 notifier: Notifier, *, context: ContextService | None = None,
                 editor: Editor | None = None) -> None:
        self.editor = editor if editor is not None else Editor(server)
        self._context = context
        self._server = server
        self._upstream = upstream
        self._work = work
        self._notifier = notifier
        self._records: dict[str, _Record] = {}
        self.last_uri: str | None = None

    # -- entry points ----------------------------------------------------------------------

    def start(self, request: Request, settings: Settings) -> asyncio.Task[None]:
        """Run an action in the background: the command's request is answered at once."""
        explain = request.action.mode == "explain"
        job = self._work.start(f"vc-lsp {request.action.name}", uri=request.uri,
                               kind=Kind.EXPLAIN if explain else Kind.EDIT)
        run = self._explain if explain else self._edit
        return job.run(run(job, request, settings))

    def cancel(self, uri: str | None) -> int:
        """Stop what streams in ``uri`` (everywhere when ``None``); returns how many stopped."""
        return sum(self._work.stop(uri, kind, reason="vc.cancel") for kind in ACTION_KINDS)

    async def revert(self, uri: str | None) -> None:
        uri = uri or self.last_uri
        record = self._records.get(uri) if uri else None
        if uri is None or record is None:
            name = file_name(uri) if uri else ""
            self._say(fit("vc-lsp: there is no edit to revert" + (" in {name}." if name else "."),
                          name=name),
                      types.MessageType.Info)
            return
        await self._stop_edits(uri)
        writer, plan = record.writer, record.plan
        name = plan.file_name
        if writer.closed:
            self._say(fit("vc-lsp: {name} was closed; there is nothing to revert.", name=name),
                      types.MessageType.Info)
            return
        where = lines_label(*writer.line_range())
        if writer.current() == plan.original:
            self._say(f"vc-lsp: {where} already hold the text from before the edit.",
                      types.MessageType.Info)
            return
        status = await writer.write(plan.original)
        if status in (Status.CONFIRMED, Status.APPLIED):
            self._say(f"vc-lsp: reverted {lines_label(*writer.line_range())} to the text from "
                      f"before the edit.", types.MessageType.Info)
        else:
            self._say(f"vc-lsp: could not revert {where} ({status.value}); try again.",
                      types.MessageType.Warning)

    # -- lifecycle -------------------------------------------------------------------------

    def on_change(self, doc: Document, changes: Changes) -> None:
        """Every didChange, after pygls applied it: the edit's writer decides whose it is."""
        record = self._records.get(doc.uri)
        if record is None:
            return
        try:
            foreign = record.writer.on_change(doc, changes)
        except Exception:  # never let a bug here break document sync: stop the edit instead
            log.exception("following the edit in %s failed", doc.uri)
            if record.session is not None:
                record.session.cancel()
            self._records.pop(doc.uri, None)
            return
        if foreign and record.session is not None:
            record.session.typed()
        elif not foreign and self._context is not None:  # our edit's echo: not the user's
            self._context.history.expect(doc.uri, doc.source)

    def on_close(self, uri: str) -> None:
        record = self._records.pop(uri, None)
        if record is not None:
            if record.session is not None:
                record.session.close()  # closed, not restored: there is no buffer any more
            record.writer.close()

    async def shutdown(self) -> None:
        for record in self._records.values():
            if record.session is not None:
                record.session.close()

    # -- edits -----------------------------------------------------------------------------

    async def _stop_edits(self, uri: str) -> None:
        """Stop the edits running in ``uri`` and wait until their regions are settled."""
        current = asyncio.current_task()
        running = [j for j in self._work.jobs(uri, Kind.EDIT) if j.task is not current]
        for job in running:
            job.stop("a newer edit")
        for job in running:
            if job.task is not None:
                await asyncio.shield(asyncio.wait({job.task}))

    async def _edit(self, job: Job, request: Request, settings: Settings) -> None:
        uri = request.uri
        await self._stop_edits(uri)  # one edit per document: the new one replaces the old
        if not self.editor.can_apply_edits:
            self._say("vc-lsp: this editor takes no edits from a server (workspace/applyEdit).")
            return
        made = self._plan(request, settings)
        if made is None:
            return
        doc, plan = made
        writer = RegionWriter(self.editor, doc, plan.span, label=f"vc-lsp: {plan.title}")
        progress = Progress(self._server, self.editor.can_show_progress)
        session = EditSession(writer, plan, throttle_s=settings.actions.throttle_ms / 1000,
                              progress=progress)
        record = _Record(writer, plan, session)
        self._records[uri] = record
        self.last_uri = uri
        try:
            await self._begin(job, session, plan, settings, progress)
            outcome = await session.run()
        finally:
            session.reading.hang_up()
            record.session = None
        log.info("%s %s: %s after %d streamed update(s), %d line(s)", plan.title,
                 plan.file_name, outcome.value, session.edits, session.lines)
        message = session.summary(outcome)
        if message:
            failed = outcome in (Outcome.STUCK, Outcome.PARTIAL) or session.error
            self._say(message, types.MessageType.Warning if failed else types.MessageType.Info)
        progress.end("done" if outcome is Outcome.DONE else "stopped")  # last: "it is over"

    # -- explanations ----------------------------------------------------------------------

    async def _explain(self, job: Job, request: Request, settings: Settings) -> None:
        made = self._plan(request, settings)
        if made is None:
            return
        doc, plan = made
        progress = Progress(self._server, self.editor.can_show_progress)
        session = ExplainSession(
            self.editor, plan, throttle_s=settings.actions.throttle_ms / 1000,
            codec=doc.position_codec, progress=progress,
            show=lambda text: self._say(text, types.MessageType.Info))
        try:
            await self._begin(job, session, plan, settings, progress)
            await session.open()
            if session.uri is not None:
                job.uris.add(session.uri)  # closing the explanation stops it too
            await session.run()
        finally:
            session.reading.hang_up()
        log.info("explained %s %s in %d update(s)", plan.file_name, plan.lines_label,
                 session.edits)
        if session.stopped and session.stopped != "cancelled":
            self._say(fit("vc-lsp: '{what}' stopped early: {why}.", what=plan.title,
                          why=session.stopped, whole=reason(session.stopped)))
        progress.end("stopped" if session.stopped else "done")

    # -- shared ----------------------------------------------------------------------------

    async def _begin(self, job: Job, session: Session, plan: planning.Plan, settings: Settings,
                     progress: Progress) -> None:
        """The session takes over: it stops the job, owns the reader, shows the progress.

        The upstream request goes out before the progress is created, so the round trip to
        the editor overlaps the model's time to the first token.
        """
        job.stop_with(session.cancel)
        chat, redaction = self._chat(plan, settings)
        a = settings.actions
        budget = AnswerBudget(a.max_answer_chars, a.max_answer_lines)
        session.reading.attach(self._work.run_task(
            pump(self._upstream, chat, _restoring(session, redaction), budget),
            f"{plan.action.name} reader"))
        await progress.begin(plan.title, session.cancel,
                             message=f"{plan.file_name} {plan.lines_label}")

    def _plan(self, request: Request, settings: Settings
              ) -> tuple[Document, planning.Plan] | None:
        if self._context is not None and self._context.excluded(request.uri) is not None:
            message = self._context.refusal(request.uri)
            if message:
                self._say(message)
            return None
        doc = snapshot(self._server.workspace, request.uri)
        if doc is None:
            self._say(fit("vc-lsp: {name} is not open; open it and try again.",
                          name=file_name(request.uri)))
            return None
        made = planning.make(doc, request.action, request.range,
                             instruction_text=request.instruction,
                             diagnostics=request.diagnostics,
                             max_lines=settings.actions.max_selection_lines,
                             context_lines=settings.actions.context_lines)
        if isinstance(made, planning.Problem):
            self._say(made.message)
            return None
        if self._context is not None:  # the definitions the region uses, from other places
            shown = (made.span.start - len(made.before), made.span.end + len(made.after))
            made = dataclasses.replace(made, context=self._context.region(
                doc.uri, doc.source, made.span.start, max(made.span.end, made.span.start),
                doc.language_id or "", doc.version, shown, settings))
        return doc, made

    @staticmethod
    def _chat(plan: planning.Plan, s: Settings) -> tuple[ChatRequest, Redaction | None]:
        """The request, and the secrets replaced in it (put back into the answer)."""
        messages = prompts.messages(plan)
        redaction = Redaction() if s.context.redact_secrets else None
        if redaction is not None:
            messages = redaction.messages(messages)
        return ChatRequest.for_feature(s, "actions", messages), redaction

    def _say(self, message: str,
             kind: types.MessageType = types.MessageType.Warning) -> None:
        self._notifier.say(message, kind)



class _Restoring:
    """A sink that puts the user's secrets back where the answer kept their placeholders."""

    def __init__(self, sink: Sink, redaction: Redaction) -> None:
        self._sink = sink
        self._redaction = redaction

    def offer(self, raw: str) -> None:
        self._sink.offer(self._redaction.restore(raw))

    def has_enough(self, raw: str) -> bool:
        return self._sink.has_enough(self._redaction.restore(raw))

    def finish(self, raw: str, *, truncated: bool = False) -> None:
        self._sink.finish(self._redaction.restore(raw), truncated=truncated)

    def fail(self, message: str) -> None:
        self._sink.fail(message)

    def cancel(self) -> None:
        self._sink.cancel()


def _restoring(sink: Sink, redaction: Redaction | None) -> Sink:
    return _Restoring(sink, redaction) if redaction is not None and redaction.values else sink

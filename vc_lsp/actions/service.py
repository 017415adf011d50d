"""The one owner of running actions: from the command that starts one to its last message.

Per document it keeps the edit streaming there (at most one: a new edit stops the old one, which
is restored) and the region of the last edit with its original text, for ``vc.revert``. Every
``didChange`` is routed to that region's writer. The upstream reader of each action is
registered in the in-flight registry, so a keystroke, ``vc.cancel`` or a cancelled progress hangs
up the HTTP stream at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.workspace import TextDocument

from .. import positions
from ..config import Settings
from ..inflight import InflightRegistry
from ..notify import Notifier
from ..upstream.chunks import Delta, Finish
from ..upstream.client import ChatRequest, UpstreamClient
from ..upstream.errors import UpstreamError
from . import plan as planning
from . import prompts
from .catalog import Action, fit
from .edit_stream import EditSession, Outcome, sentence
from .editor import Editor
from .explain import ExplainSession
from .progress import Progress
from .writer import RegionWriter, Status

log = logging.getLogger(__name__)
KIND_EDIT = "edit"
KIND_EXPLAIN = "explain"
Spawn = Callable[[Coroutine[Any, Any, Any], str], "asyncio.Task[Any]"]


class Sink(Protocol):
    def offer(self, raw: str) -> None: ...
    def complete(self, raw: str) -> bool: ...
    def finish(self, raw: str, *, truncated: bool = False) -> None: ...
    def fail(self, message: str) -> None: ...
    def cancel(self) -> None: ...


@dataclass(frozen=True, slots=True)
class Request:
    action: Action
    uri: str
    range: types.Range | None
    instruction: str | None = None
    diagnostics: tuple[types.Diagnostic, ...] = ()


@dataclass
class _Record:
    """The last edit in a document: its region (kept up to date) and the text it replaced."""

    writer: RegionWriter
    original: str
    plan: planning.Plan


def _retrieve(task: asyncio.Future[Any]) -> None:
    if not task.cancelled():
        task.exception()


class ActionService:
    def __init__(self, server: LanguageServer, upstream: UpstreamClient,
                 registry: InflightRegistry, notifier: Notifier,
                 settings: Callable[[], Awaitable[Settings]], spawn: Spawn) -> None:
        self.editor = Editor(server)
        self._server = server
        self._upstream = upstream
        self._registry = registry
        self._notifier = notifier
        self._settings = settings
        self._spawn = spawn
        self._records: dict[str, _Record] = {}
        self._edits: dict[str, tuple[EditSession, asyncio.Future[None]]] = {}
        self._explains: dict[ExplainSession, str] = {}
        self._explain_count = 0
        self.last_uri: str | None = None

    # -- entry points ----------------------------------------------------------------------

    def start(self, request: Request) -> None:
        """Run an action in the background: the command's request is answered at once."""
        self._spawn(self.run(request), f"vc-lsp {request.action.name}")

    async def run(self, request: Request) -> None:
        if request.action.mode == "explain":
            await self._explain(request)
        else:
            await self._edit(request)

    def cancel(self, uri: str | None) -> int:
        """Stop what streams in ``uri`` (everywhere when ``None``); returns how many stopped."""
        count = 0
        for key, (session, _) in list(self._edits.items()):
            if uri is None or key == uri:
                session.cancel()
                count += 1
        for explain, source in list(self._explains.items()):
            if uri is None or source == uri or explain.uri == uri:
                explain.cancel()
                count += 1
        return count

    async def revert(self, uri: str | None) -> None:
        uri = uri or self.last_uri
        record = self._records.get(uri) if uri else None
        if uri is None or record is None:
            name = _name(uri) if uri else ""
            self._say(fit("vc-lsp: there is no edit to revert" + (" in {name}." if name else "."),
                          name=name),
                      types.MessageType.Info)
            return
        if uri in self._edits:
            await self._stop_edit(uri)
        writer, name = record.writer, record.plan.file_name
        if writer.closed:
            self._say(fit("vc-lsp: {name} was closed; there is nothing to revert.", name=name),
                      types.MessageType.Info)
            return
        first, last = writer.line_range()
        where = f"line {first}" if first == last else f"lines {first}-{last}"
        if writer.current() == record.original:
            self._say(f"vc-lsp: {where} already hold the text from before the edit.",
                      types.MessageType.Info)
            return
        status = await writer.write(record.original)
        if status is Status.CONFIRMED:
            first, last = writer.line_range()
            where = f"line {first}" if first == last else f"lines {first}-{last}"
            self._say(f"vc-lsp: reverted {where} to the text from before the edit.",
                      types.MessageType.Info)
        else:
            self._say(f"vc-lsp: could not revert {where} ({status.value}); try again.",
                      types.MessageType.Warning)

    def on_change(self, uri: str, changes: Sequence[types.TextDocumentContentChangeEvent]
                  ) -> None:
        """Every didChange, after pygls applied it: the edit's writer decides whose it is."""
        record = self._records.get(uri)
        live = self._server.workspace.text_documents.get(uri)
        if record is None or live is None:
            return
        try:
            record.writer.on_change(live.source, live.version, changes)
        except Exception:  # never let a bug here break document sync: stop the edit instead
            log.exception("following the edit in %s failed", uri)
            running = self._edits.get(uri)
            if running is not None:
                running[0].cancel()
            self._records.pop(uri, None)

    def on_close(self, uri: str) -> None:
        running = self._edits.get(uri)
        if running is not None:
            running[0].close()
        record = self._records.pop(uri, None)
        if record is not None:
            record.writer.close()
        for explain in list(self._explains):
            if explain.uri == uri:
                explain.cancel()

    def shutdown(self) -> None:
        for session, _ in list(self._edits.values()):
            session.close()
        for explain in list(self._explains):
            explain.cancel()

    # -- edits -----------------------------------------------------------------------------

    async def _stop_edit(self, uri: str) -> None:
        running = self._edits.get(uri)
        if running is not None:
            running[0].cancel()
            await asyncio.shield(running[1])

    async def _edit(self, request: Request) -> None:
        uri = request.uri
        await self._stop_edit(uri)  # one edit per document: the new one replaces the old
        if not self.editor.can_apply_edits:
            self._say("vc-lsp: this editor takes no edits from a server (workspace/applyEdit).")
            return
        settings = await self._settings()
        made = self._plan(request, settings)
        if made is None:
            return
        doc, plan = made
        writer = RegionWriter(self.editor, uri, doc.source, doc.version, plan.span,
                              doc.position_codec, label=f"vc-lsp: {plan.title}")
        self._records[uri] = _Record(writer, plan.original, plan)
        self.last_uri = uri
        progress = Progress(self._server, self.editor.can_show_progress)
        session = EditSession(
            writer, plan, throttle_s=settings.actions.throttle_ms / 1000, progress=progress,
            hang_up=lambda: self._hang_up(uri, KIND_EDIT))
        finished: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._edits[uri] = (session, finished)
        reader: asyncio.Task[None] | None = None
        try:
            await progress.begin(plan.title, session.cancel,
                                 message=f"{plan.file_name} {plan.lines_label}")
            if session.stop_reason is None:
                reader = self._read(uri, KIND_EDIT, self._chat(plan, settings), session)
            outcome = await session.run()
        finally:
            if reader is not None and not reader.done():
                reader.cancel()
            if self._edits.get(uri, (None,))[0] is session:
                del self._edits[uri]
            finished.set_result(None)
        log.info("%s %s: %s after %d streamed update(s), %d line(s)", plan.title,
                 plan.file_name, outcome.value, session.edits, session.lines)
        message = session.summary(outcome)
        if message:
            failed = outcome in (Outcome.STUCK, Outcome.PARTIAL) or session.error
            self._say(message, types.MessageType.Warning if failed else types.MessageType.Info)
        progress.end("done" if outcome is Outcome.DONE else "stopped")  # last: "it is over"

    # -- explanations ----------------------------------------------------------------------

    async def _explain(self, request: Request) -> None:
        settings = await self._settings()
        made = self._plan(request, settings)
        if made is None:
            return
        doc, plan = made
        uri = request.uri
        self._explain_count += 1
        kind = f"{KIND_EXPLAIN}:{self._explain_count}"  # explanations never stop each other
        progress = Progress(self._server, self.editor.can_show_progress)
        session = ExplainSession(
            self.editor, plan, throttle_s=settings.actions.throttle_ms / 1000,
            codec=doc.position_codec, progress=progress,
            show=lambda text: self._say(text, types.MessageType.Info),
            hang_up=lambda: self._hang_up(uri, kind))
        self._explains[session] = uri
        reader: asyncio.Task[None] | None = None
        try:
            await progress.begin(plan.title, session.cancel,
                                 message=f"{plan.file_name} {plan.lines_label}")
            await session.open()
            if session.stopped is None:
                reader = self._read(uri, kind, self._chat(plan, settings), session)
            await session.run()
        finally:
            if reader is not None and not reader.done():
                reader.cancel()
            self._explains.pop(session, None)
        log.info("explained %s %s in %d update(s)", plan.file_name, plan.lines_label,
                 session.edits)
        if session.stopped and session.stopped != "cancelled":
            self._say(f"vc-lsp: '{plan.title}' stopped early. {sentence(session.stopped)}")
        progress.end("stopped" if session.stopped else "done")

    # -- shared ----------------------------------------------------------------------------

    def _plan(self, request: Request, settings: Settings
              ) -> tuple[TextDocument, planning.Plan] | None:
        doc = positions.snapshot(self._server.workspace, request.uri)
        if doc is None:
            self._say(fit("vc-lsp: {name} is not open; open it and try again.",
                          name=_name(request.uri)))
            return None
        made = planning.make(doc, request.action, request.range,
                             instruction_text=request.instruction,
                             diagnostics=request.diagnostics,
                             max_lines=settings.actions.max_selection_lines,
                             context_lines=settings.actions.context_lines)
        if isinstance(made, planning.Problem):
            self._say(made.message)
            return None
        return doc, made

    def _chat(self, plan: planning.Plan, s: Settings) -> ChatRequest:
        a = s.actions
        request = ChatRequest(
            model=s.actions_model, messages=prompts.messages(plan),
            temperature=a.temperature if a.temperature is not None else s.temperature,
            top_p=s.top_p, max_tokens=a.max_tokens, seed=s.seed, user=s.user,
            extra=s.extra_params)
        if s.log_prompts:
            log.info("%s prompt: %s", plan.action.name, request.messages)
        return request

    def _read(self, uri: str, kind: str, request: ChatRequest, sink: Sink
              ) -> asyncio.Task[None]:
        reader = asyncio.ensure_future(self._pump(request, sink))
        reader.add_done_callback(_retrieve)
        self._registry.add(uri, kind, reader)
        return reader

    async def _pump(self, request: ChatRequest, sink: Sink) -> None:
        """Read the answer into ``sink``; leaving early (or being cancelled) hangs up."""
        raw, reason = "", ""
        try:
            async with self._upstream.stream(request) as events:
                async for event in events:
                    if isinstance(event, Delta) and event.index == 0:
                        raw += event.text
                        if "\n" in event.text:
                            sink.offer(raw)
                            if sink.complete(raw):
                                break
                    elif isinstance(event, Finish) and event.index == 0:
                        reason = event.reason
        except UpstreamError as err:
            sink.fail(err.user_message())
            return
        except asyncio.CancelledError:
            sink.cancel()  # a no-op when the action stopped itself; otherwise it must not wait
            raise
        except Exception as exc:
            log.exception("action stream failed")
            sink.fail(f"internal error ({type(exc).__name__}); see the log")
            return
        sink.finish(raw, truncated=reason == "length")

    def _hang_up(self, uri: str, kind: str) -> None:
        self._registry.cancel(uri, kind, reason=f"{kind} stopped")

    def _say(self, message: str,
             kind: types.MessageType = types.MessageType.Warning) -> None:
        self._notifier.say(message, kind)


def _name(uri: str) -> str:
    return uri.rstrip("/").rsplit("/", 1)[-1] or uri

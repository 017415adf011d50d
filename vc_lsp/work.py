"""Every piece of running work in the server, and who may stop it.

Each background task is started here (``Work.start`` or ``Work.run_task``), so it is kept alive
until it ends and its failure is logged instead of lost. Work that belongs to a document is a
``Job`` with a kind; the table below is the whole answer to "what stops what":

========  ===========================================================================
kind      stopped by
========  ===========================================================================
INLINE    a newer completion request in the same document (superseded), a ``didChange``
          (unless it typed what the stream already wrote: ``Job.survives``), ``didClose``
          of the document, shutdown, ``$/cancelRequest`` (the handler that waits on it is
          cancelled and cancels it)
EDIT      its own session: typing that its writer tells from the edit's echo, a
          cancelled progress; ``vc.cancel``; a newer edit in the same document;
          ``didClose``; shutdown
EXPLAIN   ``vc.cancel``; a cancelled progress; ``didClose`` of the explained document or
          of the explanation; shutdown (never typing, never another explanation)
NES       a newer prediction in the same document (superseded), any ``didChange`` or
          ``didClose`` of the document, ``nes.enabled`` turned off, shutdown; never a
          ``$/cancelRequest`` (requests only wait for it: the prediction is the document's)
REREAD    ``didClose`` of the document, shutdown; never typing (a large document's symbols
          are read from a snapshot; a result older than the text is kept and marked stale)
(none)    shutdown only (the start-up check, configuration pulls, session readers)
========  ===========================================================================

Stopping an INLINE or NES job cancels its task, which closes its HTTP stream; stopping a
REREAD job cancels its task and tells its worker thread to stop at its next check. Stopping an
EDIT or EXPLAIN job calls its session's ``cancel``: the session hangs up the upstream itself and
then restores or finishes the region, so the job's task ends on its own shortly after. A job is
stopped once, whoever asks first: a second cancellation would land in the first one's hang-up
and leave the connection open and the model generating.
"""

from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import Callable, Coroutine, Hashable
from typing import TYPE_CHECKING, Any

from .redact import redact

if TYPE_CHECKING:
    from .documents import Text

log = logging.getLogger(__name__)
SHUTDOWN_WAIT_S = 2.0


class Kind(enum.Enum):
    INLINE = "inline"
    EDIT = "edit"
    EXPLAIN = "explain"
    NES = "nes"  # a next-edit prediction
    REREAD = "reread"  # a large document's symbols, re-read on a worker thread


STOPPED_BY_TYPING = frozenset({Kind.INLINE, Kind.NES})


class Job:
    """One unit of work for one document: its task, and how to stop it gracefully."""

    def __init__(self, work: Work, name: str, uri: str | None, kind: Kind | None,
                 key: Hashable | None) -> None:
        self.name = name
        self.kind = kind
        self.uris = {uri} if uri else set()
        self.key = key  # what the job computes, so an identical request can join it
        self.task: asyncio.Task[Any] | None = None
        self.stopped = False
        self.stop_reason = ""  # who stopped it ("superseded", "document changed", ...)
        self._work = work
        self._stop: Callable[[], None] | None = None
        # Whether the job may run on through a change that made this text (typing along).
        self.survives: Callable[[Text], bool] | None = None

    def run(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        self.task = self._work.run_task(coro, self.name, job=self)
        return self.task

    def stop_with(self, stop: Callable[[], None] | None) -> None:
        """How to stop this job from now on (``None``: cancel its task)."""
        self._stop = stop

    def stop(self, reason: str = "") -> bool:
        """Stop the job; False when it was stopped already (it is not cancelled again)."""
        if self.stopped:
            return False
        self.stopped = True
        self.stop_reason = reason
        if self._stop is not None:
            self._stop()
        elif self.task is not None and not self.task.done():
            self.task.cancel(reason or None)
        return True

    @property
    def done(self) -> bool:
        return self.task is not None and self.task.done()


class Work:
    """The registry of running work: holds references, logs failures, stops by the table."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()
        self._jobs: list[Job] = []
        self._listeners: list[Callable[[Job], None]] = []

    def listen(self, started: Callable[[Job], None]) -> None:
        """Call ``started`` with every new job, in the context of whoever starts it (the
        status learns which completion request a job belongs to)."""
        self._listeners.append(started)

    @property
    def running(self) -> int:
        """How many tasks are alive (``vc/stats``, the soak)."""
        return len(self._tasks)

    def run_task(self, coro: Coroutine[Any, Any, Any], name: str, *,
                 job: Job | None = None) -> asyncio.Task[Any]:
        """A background task that is kept alive and whose failure is logged, not lost."""
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)

        def done(t: asyncio.Task[Any]) -> None:
            self._tasks.discard(t)
            if job is not None and job in self._jobs:
                self._jobs.remove(job)
            if not t.cancelled() and t.exception() is not None:
                log.error("%s failed: %s", name, redact(repr(t.exception())))

        task.add_done_callback(done)
        return task

    def start(self, name: str, *, uri: str | None = None, kind: Kind | None = None,
              key: Hashable | None = None) -> Job:
        """A registered job; call ``job.run(coro)`` to start its task."""
        job = Job(self, name, uri, kind, key)
        self._jobs.append(job)
        for started in self._listeners:
            started(job)
        return job

    def jobs(self, uri: str | None = None, kind: Kind | None = None) -> list[Job]:
        """Running jobs for ``uri`` (any document when ``None``) of ``kind`` (any if ``None``)."""
        return [j for j in self._jobs if not j.done and (uri is None or uri in j.uris)
                and (kind is None or j.kind is kind)]

    def stop(self, uri: str | None = None, kind: Kind | None = None, *,
             reason: str = "") -> int:
        """Stop matching jobs now; returns how many this stopped (not those stopped already)."""
        count = sum(job.stop(reason) for job in self.jobs(uri, kind))
        if count:
            log.debug("stopped %d %s job(s) for %s (%s)", count,
                      kind.value if kind else "", uri or "every document", reason)
        return count

    # -- the events of the table -------------------------------------------------------------

    def on_change(self, uri: str, text: Text | None = None) -> None:
        """``uri`` changed to ``text``: stop what typing stops, except what survives it."""
        for job in self.jobs(uri):
            if job.kind not in STOPPED_BY_TYPING:
                continue
            if text is not None and job.survives is not None and job.survives(text):
                log.debug("%s goes on: the user typed what it wrote", job.name)
                continue
            job.stop("document changed")

    def on_close(self, uri: str) -> None:
        self.stop(uri, reason="document closed")

    async def shutdown(self) -> None:
        """Stop every job, then cancel whatever is still running and wait for it briefly."""
        self.stop(reason="shutdown")
        for task in list(self._tasks):
            if task is not asyncio.current_task():
                task.cancel("shutdown")
        pending = [t for t in self._tasks if t is not asyncio.current_task()]
        if pending:
            await asyncio.wait(pending, timeout=SHUTDOWN_WAIT_S)

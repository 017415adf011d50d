"""``Reader``: re-reads large documents on a worker thread, one at a time, as a ``Work`` job.

Requests and the idle step only ask (``Documents.want``) and ``kick``; the reader takes the next
wanted document's snapshot on the loop (``Documents.begin_read``), computes on a thread
(``asyncio.to_thread`` of ``Read.run``) and applies the result on the loop
(``Documents.finish``). One read at a time: the machine may have two cores, and a second
thread would only take GIL time from the loop. While a read runs, the interpreter switches
threads every millisecond instead of every five: the loop, woken by a keystroke, waits up to
one switch interval for the GIL each time it needs it, and a request needs it several times
(median lateness of a ticking loop during a 100,000-line read: 8 ms at 5 ms, 3 to 5 ms at
1 ms; the read's CPU time is the same; the default comes back when the read ends).

Each read is a ``Kind.REREAD`` job of its document, so ``didClose`` and shutdown stop it by
the work table: its task is cancelled at once (nothing waits for the thread) and the thread is
told to stop, which it does within a few milliseconds (``reread.py``).
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import sys
import time
from collections.abc import Callable

from ..work import Job, Kind, Work
from .documents import Documents
from .reread import Read
from .symbols import Stopped

log = logging.getLogger(__name__)
SWITCH_S = 0.001  # the interpreter's thread switch interval while a read runs (default 5 ms)


class Reader:
    def __init__(self, docs: Documents, work: Work, ended: Callable[[], None] = lambda: None
                 ) -> None:
        self._docs = docs
        self._work = work
        self._ended = ended  # after each read: the service looks for idle work again
        self._job: Job | None = None
        self._read: Read | None = None
        self._closed = False
        self.reads = 0  # finished with a result (``vc/stats``: the bench, tests)

    @property
    def running(self) -> Read | None:
        """The read on a worker thread now, if any."""
        return self._read

    @property
    def busy(self) -> bool:
        """A re-read was started and has not ended (it may not have reached its thread yet)."""
        return self._job is not None

    def kick(self) -> None:
        """Start re-reading the next wanted document, unless a read is running (or there is
        no event loop: scripts call ``Documents.refresh`` themselves)."""
        if self._closed or self._job is not None:
            return
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return
        uri = self._docs.next_wanted()
        if uri is None:
            return
        # Started outside the caller's context: a request that asked for the read is not its
        # owner (the status's ``WhyBook`` takes the first job started in a request as its
        # answer), and the read outlives it.
        outside = contextvars.Context()
        job = outside.run(self._work.start, "symbol re-read", uri=uri, kind=Kind.REREAD)
        self._job = job
        task = outside.run(job.run, self._run(uri))
        task.add_done_callback(lambda _t: self._done(job))

    def stop(self, uri: str | None = None, reason: str = "") -> None:
        """Stop the running read (of ``uri`` only, if given)."""
        job = self._job
        if job is not None and (uri is None or uri in job.uris):
            if self._read is not None:
                self._read.stop()
            job.stop(reason)

    async def shutdown(self) -> None:
        """No read starts any more; the running one is stopped (its thread ends on its own,
        within a few milliseconds, and nothing waits for it)."""
        self._closed = True
        job = self._job
        self.stop(reason="shutdown")
        if job is not None and job.task is not None:
            await asyncio.wait([job.task])

    async def _run(self, uri: str) -> None:
        read = self._docs.begin_read(uri)  # here, not in ``kick``: a task stopped before its
        if read is None:  # first step runs none of its body, and nothing may stay lent
            return
        self._read = read
        log.debug("re-reading %s (%d characters) on a worker thread", uri, len(read.source))
        started = time.perf_counter()
        switch = sys.getswitchinterval()
        sys.setswitchinterval(min(switch, SWITCH_S))
        try:
            result = await asyncio.to_thread(read.run)
        except asyncio.CancelledError:
            read.stop()
            self._docs.abandon(read)
            raise
        except Stopped:
            self._docs.abandon(read)
        except Exception:  # a bug must cost this document's symbols, never the server
            log.exception("re-reading %s failed", uri)
            self._docs.abandon(read, failed=True)
        else:
            self._docs.finish(read, result)
            self.reads += 1
            log.debug("re-read %s in %.0f ms", uri, (time.perf_counter() - started) * 1000)
        finally:
            sys.setswitchinterval(switch)

    def _done(self, job: Job) -> None:
        if self._job is job:
            self._job = self._read = None
        if not self._closed:
            self._ended()
            self.kick()

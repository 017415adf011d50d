"""The usage ledger in the server: every upstream call into the usage file, off the event loop.

The ledger observes the upstream client (one hook: ``UpstreamClient.observe``), so every call of
every feature is recorded once, cancelled ones included, with the feature name its request
carries. Recording only appends to a batch; ``FLUSH_S`` later the batch is written by the
ledger's own thread in one short transaction (``store.py``), so a keystroke never waits for
the disk and several servers share the file. A batch that cannot be written (the file is
locked longer than the busy timeout, the disk is full) is kept for the next flush, up to
``MAX_PENDING`` records.

It also knows what today cost so far, all servers together (each write reads the day's sums
back), which the daily budget (``usage.dailyBudget``, ``usage.dailyTokens``) is checked against
on every automatic completion without touching the disk.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import datetime
import json
import logging
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import Settings
from ..feature import Feature
from ..upstream.calls import CallRecord
from ..upstream.errors import UpstreamError
from ..work import Work
from . import prices, store
from .store import Batch, Tokens

if TYPE_CHECKING:
    from ..upstream.client import ChatRequest

log = logging.getLogger(__name__)
FLUSH_S = 0.25
REFRESH_S = 30.0  # how stale today's sums may get while nothing is written (other servers)
PRUNE_S = 3600.0
MAX_PENDING = 50_000


def day_start(now: float | None = None) -> float:
    """Local midnight of today, as a wall-clock timestamp."""
    today = datetime.date.fromtimestamp(time.time() if now is None else now)
    return time.mktime(today.timetuple())


class Ledger(Feature):
    def __init__(self, work: Work, path: Path | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self._work = work
        self._path = path
        self._clock = clock
        self._thread = concurrent.futures.ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="vc-lsp-usage")
        self._conn: sqlite3.Connection | None = None
        self._pending = Batch()
        self._timer: asyncio.TimerHandle | None = None
        self._flushing: asyncio.Task[None] | None = None
        self._broken = False
        self._closed = False
        self._last_prune = 0.0
        self._refreshed = 0.0
        self._day = day_start(clock())
        self._today: dict[str, Tokens] = {}  # by model: the file's sums plus what is pending
        self.enabled = True
        self.keep_days = 90
        self.max_calls = 200_000
        self.writes = 0  # batches written (vc/stats, the bench)
        self.listeners: list[Callable[[], None]] = []  # told when today's sums change

    @property
    def path(self) -> Path:
        return self._path or store.default_path()

    # -- Feature ---------------------------------------------------------------------------

    def on_settings(self, settings: Settings) -> None:
        u = settings.usage
        self.enabled, self.keep_days, self.max_calls = u.enabled, u.keep_days, u.max_calls
        if self.enabled and not self._refreshed:
            self._schedule()  # read today's sums (other servers') before the first request

    async def shutdown(self) -> None:
        """The features are ending: write what they recorded so far."""
        await self.flush()

    async def close(self) -> None:
        """The last step of the server's shutdown (after its running work was stopped, so the
        calls that stop cancelled are counted): write everything, close the file."""
        await self.flush()
        self._closed = True
        await asyncio.get_running_loop().run_in_executor(self._thread, self._close)
        self._thread.shutdown(wait=False)

    async def flush(self) -> None:
        """Write what is pending now, and wait for it."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._flushing is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.shield(self._flushing)
        if self._pending and self.enabled and not self._broken and not self._closed:
            batch, self._pending = self._pending, Batch()
            try:
                await asyncio.get_running_loop().run_in_executor(self._thread, self._write,
                                                                 batch)
            except Exception as exc:
                self._failed(batch, exc)

    # -- what is recorded -----------------------------------------------------------------

    def call_started(self, req: ChatRequest) -> None:
        pass

    def call_refused(self, req: ChatRequest, err: UpstreamError) -> None:
        pass  # nothing was sent, nothing was paid

    def call_ended(self, req: ChatRequest, record: CallRecord) -> None:
        self._roll_day()
        self._today.setdefault(record.model, Tokens()).add(record)
        if self.enabled:
            self._pending.calls.append(record)
            self._schedule()
        self._changed()

    def _changed(self) -> None:
        for listener in self.listeners:
            try:
                listener()
            except Exception:
                log.exception("a usage listener failed")

    def offered(self, rows: list[dict[str, Any]]) -> None:
        if self.enabled and rows:
            self._pending.suggestions.extend(rows)
            self._schedule()

    def event(self, suggestion: str, what: str, chars: int = 0) -> None:
        """``shown``, ``accepted`` or ``partial`` for an offered suggestion."""
        if self.enabled:
            self._pending.events.append((suggestion, what, chars))
            self._schedule()

    def remember(self, uri: str, feature: str, report: dict[str, Any]) -> None:
        """The last request of a document, for ``vc-lsp explain-last`` (only the newest of a
        document is written)."""
        if self.enabled:
            self._pending.reports[(uri, feature)] = (float(report.get("time") or self._clock()),
                                                     json.dumps(report, ensure_ascii=False))
            self._schedule()

    # -- today and the budget -------------------------------------------------------------

    def today(self) -> dict[str, Tokens]:
        self._roll_day()
        if self.enabled and self._clock() - self._refreshed > REFRESH_S:
            self._schedule()  # other servers may have spent meanwhile: read the sums again
        return self._today

    def over_budget(self, settings: Settings) -> str | None:
        """The status words when today's budget is used up, else ``None``."""
        u = settings.usage
        if u.daily_budget is None and u.daily_tokens is None:
            return None
        today = self.today()
        if u.daily_tokens is not None:
            used = sum(t.total for t in today.values())
            if used >= u.daily_tokens:
                return (f"Daily budget reached ({used:,} of {u.daily_tokens:,} tokens): "
                        f"completions only when asked")
        if u.daily_budget is not None:
            spent = self.spent(settings)
            if spent >= u.daily_budget:
                return (f"Daily budget reached ({prices.money(spent, u.currency)} of "
                        f"{prices.money(u.daily_budget, u.currency)}): completions only when "
                        f"asked")
        return None

    def spent(self, settings: Settings) -> float:
        """Today's cost with ``usage.prices`` (models without a price count 0)."""
        table = settings.usage.prices
        return sum(prices.cost_of(table, model, t) or 0.0 for model, t in self.today().items())

    def _roll_day(self) -> None:
        start = day_start(self._clock())
        if start != self._day:
            self._day, self._today = start, {}

    # -- writing ---------------------------------------------------------------------------

    def _schedule(self) -> None:
        if self._timer is not None or self._broken or self._closed:
            return
        with contextlib.suppress(RuntimeError):  # no running loop: nothing to schedule on
            self._timer = asyncio.get_running_loop().call_later(FLUSH_S, self._flush_now)

    def _flush_now(self) -> None:
        self._timer = None
        if self._flushing is not None:
            return  # the running flush schedules the next one when it ends
        batch, self._pending = self._pending, Batch()
        self._flushing = self._work.run_task(self._flush(batch), "usage ledger write")

    async def _flush(self, batch: Batch) -> None:
        try:
            sums = await asyncio.get_running_loop().run_in_executor(self._thread, self._write,
                                                                    batch)
        except Exception as exc:
            self._failed(batch, exc)
        else:
            self.writes += 1
            self._refreshed = self._clock()
            if self._day == day_start(self._clock()):
                self._today = sums
                for record in self._pending.calls:  # recorded while the write ran
                    self._today.setdefault(record.model, Tokens()).add(record)
                self._changed()  # other servers' spending is in the sums now
        finally:
            self._flushing = None
            if self._pending:
                self._schedule()

    def _failed(self, batch: Batch, exc: Exception) -> None:
        if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
            log.info("the usage file is busy; writing %d record(s) later", len(batch))
        else:
            log.warning("cannot write the usage file %s: %s", self.path, exc)
        if len(batch) + len(self._pending) <= MAX_PENDING:
            batch.extend(self._pending)
            self._pending = batch
        else:
            log.warning("usage ledger: %d record(s) dropped", len(batch))
        if not isinstance(exc, sqlite3.OperationalError):
            self._broken = True  # a file we cannot use at all: stop trying this session

    def _write(self, batch: Batch) -> dict[str, Tokens]:
        """On the ledger's thread: write the batch, read today's sums back."""
        if self._conn is None:
            self._conn = store.connect(self.path)
        now = self._clock()
        prune = now - self._last_prune > PRUNE_S
        if batch or prune:
            store.write(self._conn, batch, keep_days=self.keep_days, max_calls=self.max_calls,
                        prune=prune)
            if prune:
                self._last_prune = now
        by_model: dict[str, Tokens] = {}
        for (_, model), t in store.by_feature_model(self._conn, day_start(now)).items():
            by_model[model] = store.totals([by_model.get(model, Tokens()), t])
        return by_model

    def _close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

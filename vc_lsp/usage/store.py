"""The usage file: one SQLite database per user, shared by every vc-lsp running at once.

It lives in the user's state folder (platformdirs: ``$XDG_STATE_HOME/vc-lsp`` or
``~/.local/state/vc-lsp`` on Linux, ``~/Library/Application Support/vc-lsp`` on macOS,
``%LOCALAPPDATA%\\vc-lsp`` on Windows), 0600 in a 0700 folder. Several servers (one per editor)
and ``vc-lsp usage`` use it side by side: write-ahead logging lets readers read while one
writes, writers wait for each other up to ``BUSY_MS`` and every write is one short
``BEGIN IMMEDIATE`` transaction of a batch. The size is bounded: records older than
``usage.keepDays`` and beyond ``usage.maxCalls`` are deleted as new ones come in.

Everything here is plain blocking code: the server calls it on its ledger thread, the command
line directly.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..upstream.calls import CallRecord

APP = "vc-lsp"
FILE = "usage.sqlite3"
BUSY_MS = 10_000
KEEP_REPORTS = 200  # last requests ("explain-last") kept, one per document and feature
SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS calls (
    id INTEGER PRIMARY KEY,
    call_id TEXT NOT NULL,
    ts REAL NOT NULL,
    feature TEXT NOT NULL,
    model TEXT NOT NULL,
    host TEXT NOT NULL,
    prompt_tokens INTEGER NOT NULL,
    cached_tokens INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    estimated INTEGER NOT NULL,
    latency_ms REAL NOT NULL,
    first_token_ms REAL,
    outcome TEXT NOT NULL,
    error TEXT,
    pid INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS calls_ts ON calls (ts);
CREATE TABLE IF NOT EXISTS suggestions (
    id TEXT PRIMARY KEY,
    ts REAL NOT NULL,
    feature TEXT NOT NULL,
    model TEXT NOT NULL,
    call_id TEXT,
    language TEXT NOT NULL,
    chars INTEGER NOT NULL,
    shown INTEGER NOT NULL DEFAULT 0,
    accepted INTEGER NOT NULL DEFAULT 0,
    partial INTEGER NOT NULL DEFAULT 0,
    accepted_chars INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS suggestions_ts ON suggestions (ts);
CREATE TABLE IF NOT EXISTS last_requests (
    uri TEXT NOT NULL,
    feature TEXT NOT NULL,
    ts REAL NOT NULL,
    report TEXT NOT NULL,
    PRIMARY KEY (uri, feature)
);
"""


def default_path() -> Path:
    import platformdirs

    return platformdirs.user_state_path(APP, appauthor=False) / FILE


def connect(path: Path) -> sqlite3.Connection:
    """Open (and create, privately) the usage file, ready for short transactions."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if os.name == "posix":
        os.chmod(path.parent, 0o700)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
        os.close(fd)  # created 0600 before SQLite opens it; its -wal and -shm files follow
    conn = sqlite3.connect(path, timeout=BUSY_MS / 1000, isolation_level=None,
                           check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
    _use_wal(conn)
    conn.execute("PRAGMA synchronous = NORMAL")
    if conn.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
        with transaction(conn):
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    return conn


def _use_wal(conn: sqlite3.Connection) -> None:
    """Switch a new file to WAL. SQLite answers "database is locked" at once, without its busy
    timeout, when another process switches the same new file at that moment (two editors
    started together): wait for it as the busy timeout would."""
    deadline = time.monotonic() + BUSY_MS / 1000
    while True:
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as err:
            if "locked" not in str(err) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


class transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``: takes the write lock first, so two writers queue up
    on the busy timeout instead of failing half-way."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, kind: Any, exc: Any, tb: Any) -> None:
        self.conn.execute("COMMIT" if kind is None else "ROLLBACK")


@dataclass
class Batch:
    """What one flush writes, in one transaction."""

    calls: list[CallRecord] = field(default_factory=list)
    suggestions: list[dict[str, Any]] = field(default_factory=list)  # new ones
    events: list[tuple[str, str, int]] = field(default_factory=list)  # (id, what, chars)
    reports: dict[tuple[str, str], tuple[float, str]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.calls or self.suggestions or self.events or self.reports)

    def __len__(self) -> int:
        return len(self.calls) + len(self.suggestions) + len(self.events) + len(self.reports)

    def extend(self, other: Batch) -> None:
        """Put ``other`` (an earlier batch that could not be written) before this one."""
        self.calls[:0] = other.calls
        self.suggestions[:0] = other.suggestions
        self.events[:0] = other.events
        self.reports = {**other.reports, **self.reports}


def write(conn: sqlite3.Connection, batch: Batch, *, keep_days: int, max_calls: int,
          prune: bool) -> None:
    pid = os.getpid()
    with transaction(conn):
        conn.executemany(
            "INSERT INTO calls (call_id, ts, feature, model, host, prompt_tokens, cached_tokens,"
            " completion_tokens, estimated, latency_ms, first_token_ms, outcome, error, pid)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(c.call_id, c.started, c.feature, c.model, c.host, c.prompt_tokens,
              c.cached_tokens, c.completion_tokens, int(c.estimated), c.latency_ms,
              c.first_token_ms, c.outcome, c.cause or None, pid) for c in batch.calls])
        conn.executemany(
            "INSERT OR IGNORE INTO suggestions (id, ts, feature, model, call_id, language, chars)"
            " VALUES (:id, :ts, :feature, :model, :call_id, :language, :chars)",
            batch.suggestions)
        for sid, what, chars in batch.events:
            if what == "shown":
                conn.execute("UPDATE suggestions SET shown = 1 WHERE id = ?", (sid,))
            elif what == "accepted":
                conn.execute("UPDATE suggestions SET accepted = 1, shown = 1, accepted_chars = "
                             "MAX(accepted_chars, ?) WHERE id = ?", (chars, sid))
            elif what == "partial":
                conn.execute("UPDATE suggestions SET partial = 1, shown = 1, accepted_chars = "
                             "MAX(accepted_chars, ?) WHERE id = ?", (chars, sid))
        conn.executemany(
            "INSERT OR REPLACE INTO last_requests (uri, feature, ts, report) VALUES (?, ?, ?, ?)",
            [(uri, feature, ts, report) for (uri, feature), (ts, report)
             in batch.reports.items()])
        if prune:
            _prune(conn, keep_days, max_calls)


def _prune(conn: sqlite3.Connection, keep_days: int, max_calls: int) -> None:
    cutoff = time.time() - keep_days * 86_400
    for table in ("calls", "suggestions"):
        conn.execute(f"DELETE FROM {table} WHERE ts < ?", (cutoff,))
    conn.execute("DELETE FROM calls WHERE id <= (SELECT MAX(id) FROM calls) - ?", (max_calls,))
    conn.execute("DELETE FROM suggestions WHERE ts < (SELECT ts FROM suggestions ORDER BY ts "
                 "DESC LIMIT 1 OFFSET ?)", (max_calls,))
    conn.execute("DELETE FROM last_requests WHERE ts < (SELECT ts FROM last_requests ORDER BY "
                 "ts DESC LIMIT 1 OFFSET ?)", (KEEP_REPORTS,))


# -- reading ------------------------------------------------------------------------------------

@dataclass
class Tokens:
    """Sums over some calls."""

    calls: int = 0
    answered: int = 0
    stopped: int = 0
    cancelled: int = 0
    failed: int = 0
    prompt: int = 0
    cached: int = 0
    completion: int = 0
    estimated_calls: int = 0
    latency_ms: float = 0.0

    @property
    def total(self) -> int:
        return self.prompt + self.completion

    def add(self, c: CallRecord) -> None:
        """Count a call not yet in the file (the server's own, since its last write)."""
        self.calls += 1
        setattr(self, c.outcome, getattr(self, c.outcome) + 1)
        self.prompt += c.prompt_tokens
        self.cached += c.cached_tokens
        self.completion += c.completion_tokens
        self.estimated_calls += int(c.estimated)
        self.latency_ms += c.latency_ms

    def json(self) -> dict[str, Any]:
        return {"calls": self.calls, "answered": self.answered, "stopped": self.stopped,
                "cancelled": self.cancelled, "failed": self.failed,
                "promptTokens": self.prompt, "cachedTokens": self.cached,
                "completionTokens": self.completion, "totalTokens": self.total,
                "estimatedCalls": self.estimated_calls,
                "averageLatencyMs": round(self.latency_ms / self.calls, 1) if self.calls else 0}


def by_feature_model(conn: sqlite3.Connection, since: float,
                     until: float | None = None) -> dict[tuple[str, str], Tokens]:
    """Sums per (feature, model) of the calls from ``since`` (wall clock) on."""
    rows = conn.execute(
        "SELECT feature, model, outcome, COUNT(*), SUM(prompt_tokens), SUM(cached_tokens),"
        " SUM(completion_tokens), SUM(estimated), SUM(latency_ms) FROM calls"
        " WHERE ts >= ? AND ts < ? GROUP BY feature, model, outcome",
        (since, until if until is not None else float("inf")))
    out: dict[tuple[str, str], Tokens] = {}
    for feature, model, outcome, count, prompt, cached, completion, estimated, latency in rows:
        t = out.setdefault((feature, model), Tokens())
        t.calls += count
        if outcome in ("answered", "stopped", "cancelled", "failed"):
            setattr(t, outcome, getattr(t, outcome) + count)
        t.prompt += prompt or 0
        t.cached += cached or 0
        t.completion += completion or 0
        t.estimated_calls += estimated or 0
        t.latency_ms += latency or 0.0
    return out


def by_outcome(conn: sqlite3.Connection, since: float) -> dict[str, Tokens]:
    """Sums per outcome (``answered``, ``stopped``, ``cancelled``, ``failed``) from ``since``."""
    out: dict[str, Tokens] = {}
    for outcome, count, prompt, cached, completion, estimated, latency in conn.execute(
            "SELECT outcome, COUNT(*), SUM(prompt_tokens), SUM(cached_tokens),"
            " SUM(completion_tokens), SUM(estimated), SUM(latency_ms) FROM calls"
            " WHERE ts >= ? GROUP BY outcome", (since,)):
        t = out.setdefault(outcome, Tokens())
        t.calls = count
        if outcome in ("answered", "stopped", "cancelled", "failed"):
            setattr(t, outcome, count)
        t.prompt, t.cached, t.completion = prompt or 0, cached or 0, completion or 0
        t.estimated_calls, t.latency_ms = estimated or 0, latency or 0.0
    return out


def failures(conn: sqlite3.Connection, since: float) -> dict[str, int]:
    """Failed calls per cause (``rate``, ``auth``, ``server``...) from ``since`` on."""
    return {str(cause or "internal"): count for cause, count in conn.execute(
        "SELECT error, COUNT(*) FROM calls WHERE outcome = 'failed' AND ts >= ? GROUP BY error"
        " ORDER BY COUNT(*) DESC", (since,))}


@dataclass
class Acceptance:
    offered: int = 0
    shown: int = 0
    accepted: int = 0
    partial: int = 0
    accepted_chars: int = 0

    def json(self) -> dict[str, Any]:
        return {"offered": self.offered, "shown": self.shown, "accepted": self.accepted,
                "partiallyAccepted": self.partial, "acceptedChars": self.accepted_chars}


def acceptance(conn: sqlite3.Connection, since: float) -> dict[str, Acceptance]:
    """Suggestions per feature from ``since`` on."""
    out: dict[str, Acceptance] = {}
    for feature, offered, shown, accepted, partial, chars in conn.execute(
            "SELECT feature, COUNT(*), SUM(shown), SUM(accepted), SUM(partial AND NOT accepted),"
            " SUM(accepted_chars) FROM suggestions WHERE ts >= ? GROUP BY feature", (since,)):
        out[feature] = Acceptance(offered, shown or 0, accepted or 0, partial or 0, chars or 0)
    return out


def last_report(conn: sqlite3.Connection, uri: str | None = None,
                feature: str | None = None) -> dict[str, Any] | None:
    """The last request kept for ``uri`` (any document when ``None``)."""
    query = "SELECT report FROM last_requests"
    args: list[Any] = []
    where = []
    if uri is not None:
        where.append("uri = ?")
        args.append(uri)
    if feature is not None:
        where.append("feature = ?")
        args.append(feature)
    if where:
        query += " WHERE " + " AND ".join(where)
    row = conn.execute(query + " ORDER BY ts DESC LIMIT 1", args).fetchone()
    if row is None:
        return None
    data: dict[str, Any] = json.loads(row[0])
    return data


def reports(conn: sqlite3.Connection) -> list[tuple[str, str, float]]:
    """``(uri, feature, time)`` of every kept last request, newest first."""
    return list(conn.execute("SELECT uri, feature, ts FROM last_requests ORDER BY ts DESC"))


def totals(by: Mapping[Any, Tokens] | Iterable[Tokens]) -> Tokens:
    out = Tokens()
    for t in by.values() if isinstance(by, Mapping) else by:
        for name in ("calls", "answered", "stopped", "cancelled", "failed", "prompt", "cached",
                     "completion", "estimated_calls", "latency_ms"):
            setattr(out, name, getattr(out, name) + getattr(t, name))
    return out

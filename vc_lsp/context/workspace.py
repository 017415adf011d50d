"""Files on disk that the context may read: the ones an open file imports, never others.

Every read goes through the privacy owner first: an excluded or git-ignored file is never
opened. Results are cached and re-checked with ``stat`` at most every ``RECHECK_S`` seconds, so
a request that resolves twenty imports costs dictionary look-ups, not system calls. An open
document always wins over its file on disk: the model sees what the user sees.
"""

from __future__ import annotations

import os
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from ..privacy import Paths
from . import symbols as syms
from .documents import Documents
from .languages import language_of_path

RECHECK_S = 2.0
MAX_BYTES = 1_000_000
MAX_FILES = 400


@dataclass(frozen=True, slots=True)
class Source:
    """A file's symbols and the path the model sees for it."""

    path: str
    shown: str
    symbols: syms.FileSymbols


class Workspace:
    def __init__(self, paths: Paths, docs: Documents,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.paths = paths
        self._docs = docs
        self._clock = clock
        self._stats: dict[str, tuple[float, bool, bool, int]] = {}  # checked, exists, dir, mtime
        self._lists: dict[str, tuple[float, list[str]]] = {}
        self._texts: dict[str, tuple[int, str]] = {}
        self._files: OrderedDict[str, tuple[int, bool, syms.FileSymbols | None]] = OrderedDict()
        self.generation = 0

    # -- the file system, cached -------------------------------------------------------------

    def _stat(self, path: str) -> tuple[bool, bool, int]:
        now = self._clock()
        cached = self._stats.get(path)
        if cached is not None and now - cached[0] < RECHECK_S:
            return cached[1], cached[2], cached[3]
        try:
            st = os.stat(path)
            entry = (now, True, os.path.isdir(path), st.st_mtime_ns ^ st.st_size)
        except OSError:
            entry = (now, False, False, 0)
        if len(self._stats) > 20_000:
            self._stats.clear()
        self._stats[path] = entry
        return entry[1], entry[2], entry[3]

    def exists(self, path: str) -> bool:
        found, is_dir, _ = self._stat(path)
        return found and not is_dir

    def is_dir(self, path: str) -> bool:
        return self._stat(path)[1]

    def listdir(self, folder: str) -> list[str]:
        now = self._clock()
        cached = self._lists.get(folder)
        if cached is not None and now - cached[0] < RECHECK_S:
            return cached[1]
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            names = []
        if len(self._lists) > 2_000:
            self._lists.clear()
        self._lists[folder] = (now, names)
        return names

    def read_text(self, path: str) -> str | None:
        """A small project file (go.mod, Cargo.toml, tsconfig.json), if it may be read."""
        found, is_dir, stamp = self._stat(path)
        if not found or is_dir or not self.paths.usable(path):
            return None
        cached = self._texts.get(path)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        try:
            with open(path, encoding="utf-8", errors="replace", newline="") as f:
                text = f.read(MAX_BYTES)
        except OSError:
            return None
        self._texts[path] = (stamp, text)
        return text

    def clear(self) -> None:
        """Forget everything (the exclusion globs changed)."""
        self._stats.clear()
        self._lists.clear()
        self._texts.clear()
        self._files.clear()
        self.generation += 1

    # -- files as symbols ----------------------------------------------------------------------

    def source(self, path: str) -> Source | None:
        """The symbols of ``path``: the open document's, else the file's on disk."""
        doc = self._docs.by_path(path)
        if doc is not None:
            if not doc.usable:
                return None
            found = self._docs.symbols(doc, typing=True)
            return Source(path, doc.shown, found) if found is not None else None
        language = language_of_path(path)
        if language is None:
            return None
        found_file, is_dir, stamp = self._stat(path)
        if not found_file or is_dir:
            return None
        cached = self._files.get(path)
        if cached is not None and cached[0] == stamp:
            self._files.move_to_end(path)
            usable, parsed = cached[1], cached[2]
            return Source(path, self.paths.relative(path), parsed) if usable and parsed else None
        if not self.paths.usable(path):
            self._files[path] = (stamp, False, None)
            return None
        try:
            with open(path, "rb") as f:
                data = f.read(MAX_BYTES + 1)
        except OSError:
            return None
        parsed = syms.index(language, data) if len(data) <= MAX_BYTES else None
        self._files[path] = (stamp, True, parsed)
        self._files.move_to_end(path)
        while len(self._files) > MAX_FILES:
            self._files.popitem(last=False)
        self.generation += 1
        return Source(path, self.paths.relative(path), parsed) if parsed else None

"""The open documents as the context engine keeps them: text, privacy, and lazy indexes.

Nothing is computed on ``didOpen`` or ``didChange`` beyond recording the text (and, for the
few documents whose syntax tree is kept, telling the tree where the edit was). A document's
symbols are re-read when a request needs them and they are stale; the document being typed in
is re-read only when its line count changed or enough changes piled up, so typing along a line
costs nothing here. Trees are kept for the few most recently used documents, which makes their
re-reads incremental (about a millisecond for 2,000 lines instead of about ten).
"""

from __future__ import annotations

import itertools
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .. import syntax
from . import symbols as syms
from .languages import family_of
from .similar import Windows
from .text import View, common_affixes

if TYPE_CHECKING:
    from tree_sitter import Tree

KEEP_TREES = 12
STALE_CHANGES = 48  # the document being typed in is re-read after this many changes anyway


@dataclass(eq=False)
class OpenDocument:
    uri: str
    path: str | None  # on disk; None for untitled and other non-file URIs
    language: str  # canonical LSP id
    version: int | None
    text: str
    shown: str  # the path the model sees
    excluded: str | None = None  # the glob that excludes it
    ignored: bool = False  # git-ignored: no context from it for other files
    touched: int = 0  # recency
    symbols: syms.FileSymbols | None = None
    symbols_text: str | None = None  # the text ``symbols`` were read from
    symbols_lines: int = -1
    changes: int = 0  # since ``symbols`` were read
    windows: Windows | None = None
    windows_text: str | None = None
    tree: Tree | None = None
    tree_source: bytes = b""
    cache: dict[object, object] = field(default_factory=dict)  # per-text results of readers

    @property
    def family(self) -> str:
        return family_of(self.language)

    @property
    def usable(self) -> bool:
        """May this document be context for another one?"""
        return self.excluded is None and not self.ignored


class Documents:
    """Every open document by URI, plus the names each one defines."""

    def __init__(self) -> None:
        self._docs: dict[str, OpenDocument] = {}
        self._by_path: dict[str, OpenDocument] = {}
        self._names: dict[str, set[str]] = {}  # defined name -> URIs
        self._defined: dict[str, frozenset[str]] = {}  # URI -> names it defines
        self._trees: OrderedDict[str, None] = OrderedDict()
        self._clock = itertools.count(1)
        self.generation = 0  # bumps whenever an index of any document changes

    def __iter__(self) -> Iterator[OpenDocument]:
        return iter(self._docs.values())

    def __len__(self) -> int:
        return len(self._docs)

    def get(self, uri: str) -> OpenDocument | None:
        return self._docs.get(uri)

    def by_path(self, path: str) -> OpenDocument | None:
        return self._by_path.get(path)

    def touch(self, doc: OpenDocument) -> None:
        doc.touched = next(self._clock)

    # -- lifecycle -----------------------------------------------------------------------------

    def add(self, doc: OpenDocument) -> None:
        old = self._docs.get(doc.uri)
        if old is not None:
            self.remove(doc.uri)
        self._docs[doc.uri] = doc
        if doc.path:
            self._by_path[doc.path] = doc
        self.touch(doc)
        self.generation += 1

    def remove(self, uri: str) -> OpenDocument | None:
        doc = self._docs.pop(uri, None)
        if doc is None:
            return None
        if doc.path and self._by_path.get(doc.path) is doc:
            del self._by_path[doc.path]
        self._index_names(uri, frozenset())
        self._trees.pop(uri, None)
        doc.tree = None
        self.generation += 1
        return doc

    def change(self, doc: OpenDocument, text: str, version: int | None) -> None:
        if doc.tree is not None:
            self._edit_tree(doc, text)
        doc.text = text
        doc.version = version
        doc.changes += 1
        doc.cache.clear()
        self.touch(doc)

    # -- indexes ---------------------------------------------------------------------------------

    def symbols(self, doc: OpenDocument, *, typing: bool = False) -> syms.FileSymbols | None:
        """The document's symbols, re-read when stale. ``typing``: this is the document being
        typed in, whose slightly older symbols serve until its shape changes."""
        if doc.symbols_text is doc.text or doc.symbols_text == doc.text:
            return doc.symbols
        if typing and doc.symbols is not None and doc.changes < STALE_CHANGES \
                and doc.symbols_lines == View(doc.text).line_of(len(doc.text)):
            return doc.symbols
        self.refresh(doc)
        return doc.symbols

    def refresh(self, doc: OpenDocument) -> None:
        if not syntax.supported(doc.language):
            doc.symbols, doc.symbols_text = None, doc.text
            return
        if doc.tree is not None:
            source = doc.tree_source
            tree = syms.parse(doc.language, source, doc.tree)
        else:
            source = doc.text.encode("utf-8", "surrogatepass")
            tree = syms.parse(doc.language, source)
        found = syms.index(doc.language, source, tree) if tree is not None else None
        doc.symbols, doc.symbols_text = found, doc.text
        doc.symbols_lines = View(doc.text).line_of(len(doc.text))
        doc.changes = 0
        self._keep_tree(doc, tree, source)
        names = frozenset(found.by_name) if found is not None else frozenset()
        self._index_names(doc.uri, names)
        self.generation += 1

    def windows(self, doc: OpenDocument, stop: frozenset[str]) -> Windows:
        if doc.windows is None or doc.windows_text is not doc.text:
            doc.windows = Windows.build(doc.text, stop)
            doc.windows_text = doc.text
        return doc.windows

    def names(self) -> list[str]:
        return list(self._names)

    def defining(self, name: str) -> set[str]:
        """URIs of open documents whose last read symbols define ``name``."""
        return self._names.get(name, set())

    def stale(self) -> list[OpenDocument]:
        """Documents whose symbols were never read or are out of date, most recent first."""
        out = [d for d in self._docs.values()
               if syntax.supported(d.language) and d.symbols_text is not d.text]
        out.sort(key=lambda d: -d.touched)
        return out

    # -- internals -------------------------------------------------------------------------------

    def _index_names(self, uri: str, names: frozenset[str]) -> None:
        before = self._defined.pop(uri, frozenset())
        for name in before - names:
            holders = self._names.get(name)
            if holders is not None:
                holders.discard(uri)
                if not holders:
                    del self._names[name]
        for name in names - before:
            self._names.setdefault(name, set()).add(uri)
        if names:
            self._defined[uri] = names

    def _keep_tree(self, doc: OpenDocument, tree: Tree | None, source: bytes) -> None:
        if tree is None or "\r" in doc.text:  # tree rows count only \n; re-parse lone-CR text
            doc.tree, doc.tree_source = None, b""
            return
        doc.tree, doc.tree_source = tree, source
        self._trees[doc.uri] = None
        self._trees.move_to_end(doc.uri)
        while len(self._trees) > KEEP_TREES:
            uri, _ = self._trees.popitem(last=False)
            dropped = self._docs.get(uri)
            if dropped is not None:
                dropped.tree, dropped.tree_source = None, b""

    @staticmethod
    def _edit_tree(doc: OpenDocument, text: str) -> None:
        """Tell the kept tree where the text changed, so the next parse reuses the rest."""
        assert doc.tree is not None
        old = doc.tree_source
        new = text.encode("utf-8", "surrogatepass")
        prefix, suffix = common_affixes(old, new)
        old_end, new_end = len(old) - suffix, len(new) - suffix

        def point(source: bytes, offset: int) -> tuple[int, int]:
            return source.count(b"\n", 0, offset), offset - (source.rfind(b"\n", 0, offset) + 1)

        doc.tree.edit(start_byte=prefix, old_end_byte=old_end, new_end_byte=new_end,
                      start_point=point(old, prefix), old_end_point=point(old, old_end),
                      new_end_point=point(new, new_end))
        doc.tree_source = new

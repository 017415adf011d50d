"""The open documents as the context engine keeps them: text, privacy, and lazy indexes.

Nothing is computed on ``didOpen`` or ``didChange`` beyond recording the text (and, for the
few documents whose syntax tree is kept, telling the tree where the edit was). A document's
symbols are re-read when a request needs them and they are stale; the document being typed in
is re-read only when its line count changed or enough changes piled up, so typing along a line
costs nothing here. Trees are kept for the few most recently used documents, which makes their
re-reads incremental (about a millisecond for 2,000 lines instead of about ten).
"""

from __future__ import annotations

import bisect
import itertools
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .. import syntax
from ..documents import Text, common_affixes
from . import symbols as syms
from .languages import family_of
from .similar import Windows
from .text import Lines, view_of

if TYPE_CHECKING:
    from tree_sitter import Tree

KEEP_TREES = 12
SYNC_CHARS = 24_000  # a stale document this small is re-read within a request; larger ones
#                      when the editor is idle (unless their tree is kept: then it is cheap)
STALE_CHANGES = 400  # the document being typed in is re-read after this many changes anyway


@dataclass(eq=False)
class OpenDocument:
    uri: str
    path: str | None  # on disk; None for untitled and other non-file URIs
    language: str  # canonical LSP id
    version: int | None
    source: str | Text  # the editor's document as a Text (joined only when read whole)
    shown: str  # the path the model sees
    excluded: str | None = None  # the glob that excludes it
    ignored: bool = False  # git-ignored: no context from it for other files
    touched: int = 0  # recency
    symbols: syms.FileSymbols | None = None
    symbols_text: str | None = None  # the text ``symbols`` were read from
    changes: int = 0  # since ``symbols`` were read
    windows: Windows | None = None
    windows_text: str | None = None
    tree: Tree | None = None
    tree_source: bytes = b""
    tree_stale: bool = False  # changed since ``tree_source``: edit the tree before reusing it
    cache: dict[object, object] = field(default_factory=dict)  # per-text results of readers
    family: str = ""  # documents of one family can use each other's code

    def __post_init__(self) -> None:
        self.family = family_of(self.language)

    @property
    def text(self) -> str:
        """The whole text (joined once per version, and only when something reads it)."""
        return self.source if isinstance(self.source, str) else self.source.source

    @property
    def size(self) -> int:
        return len(self.source)

    def view(self) -> Lines:
        """Line arithmetic on the text, without joining it."""
        return view_of(self.source)

    @property
    def usable(self) -> bool:
        """May this document be context for another one?"""
        return self.excluded is None and not self.ignored


class Documents:
    """Every open document by URI, plus the names each one defines."""

    def __init__(self) -> None:
        self._docs: dict[str, OpenDocument] = {}
        self._by_path: dict[str, OpenDocument] = {}
        self._names: dict[str, set[str]] = {}  # top-level name -> URIs defining it
        self._members: dict[str, set[str]] = {}  # method or field name -> URIs
        self.sorted_names: list[str] = []  # the keys of ``_names``, sorted (prefix search)
        self.sorted_members: list[str] = []
        self._defined: dict[str, tuple[frozenset[str], frozenset[str]]] = {}
        self._trees: OrderedDict[str, None] = OrderedDict()
        self._clock = itertools.count(1)
        self._stale: set[str] = set()
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
        if syntax.supported(doc.language):
            self._stale.add(doc.uri)
        self.touch(doc)
        self.generation += 1

    def remove(self, uri: str) -> OpenDocument | None:
        doc = self._docs.pop(uri, None)
        self._stale.discard(uri)
        if doc is None:
            return None
        if doc.path and self._by_path.get(doc.path) is doc:
            del self._by_path[doc.path]
        self._index_names(uri, frozenset(), frozenset())
        self._trees.pop(uri, None)
        doc.tree = None
        self.generation += 1
        return doc

    def change(self, doc: OpenDocument, source: str | Text, version: int | None) -> None:
        """O(1): the tree is told about the change when it is next used (``refresh``)."""
        if doc.tree is not None:
            doc.tree_stale = True
        doc.source = source
        doc.version = version
        doc.changes += 1
        if syntax.supported(doc.language):
            self._stale.add(doc.uri)
        doc.cache.clear()
        self.touch(doc)

    # -- indexes ---------------------------------------------------------------------------------

    def symbols(self, doc: OpenDocument, *, typing: bool = False) -> syms.FileSymbols | None:
        """The document's symbols, re-read when stale. ``typing``: this is the document being
        typed in; its symbols from before the last few keystrokes serve (imports and the
        definitions around rarely change while typing), and it is re-read while idle."""
        if typing and doc.symbols is not None and doc.changes < STALE_CHANGES:
            return doc.symbols  # checked first: it must not join a large text per keystroke
        if doc.symbols_text is doc.text or doc.symbols_text == doc.text:
            self._stale.discard(doc.uri)
            return doc.symbols
        self.refresh(doc)
        return doc.symbols

    def refresh(self, doc: OpenDocument) -> None:
        if not syntax.supported(doc.language):
            doc.symbols, doc.symbols_text = None, doc.text
            return
        if doc.tree is not None:
            if doc.tree_stale:
                self._edit_tree(doc, doc.text)
                doc.tree_stale = False
            source = doc.tree_source
            tree = syms.parse(doc.language, source, doc.tree)
        else:
            source = doc.text.encode("utf-8", "surrogatepass")
            tree = syms.parse(doc.language, source)
        found = syms.index(doc.language, source, tree) if tree is not None else None
        doc.symbols, doc.symbols_text = found, doc.text
        self._stale.discard(doc.uri)
        doc.changes = 0
        self._keep_tree(doc, tree, source)
        top = frozenset(d.name for d in found.definitions if d.top_level) if found else frozenset()
        members = frozenset(d.name for d in found.definitions if d.container) if found \
            else frozenset()
        self._index_names(doc.uri, top, members)
        self.generation += 1

    def windows(self, doc: OpenDocument, stop: frozenset[str]) -> Windows:
        if doc.windows is None or doc.windows_text is not doc.text:
            doc.windows = Windows.build(doc.text, stop)
            doc.windows_text = doc.text
        return doc.windows

    def names(self) -> list[str]:
        return list(self._names)

    def member_names(self) -> list[str]:
        return list(self._members)

    def defining(self, name: str) -> set[str]:
        """URIs of open documents whose last read symbols define ``name`` at the top level."""
        return self._names.get(name, set())

    def with_member(self, name: str) -> set[str]:
        """URIs of open documents with a method or field called ``name``."""
        return self._members.get(name, set())

    def stale(self) -> list[OpenDocument]:
        """Documents whose symbols were never read or are out of date, most recent first."""
        out = [self._docs[uri] for uri in self._stale if uri in self._docs]
        out.sort(key=lambda d: -d.touched)
        return out

    # -- internals -------------------------------------------------------------------------------

    def _index_names(self, uri: str, top: frozenset[str], members: frozenset[str]) -> None:
        before_top, before_members = self._defined.pop(uri, (frozenset(), frozenset()))
        for index, ordered, before, now in (
                (self._names, self.sorted_names, before_top, top),
                (self._members, self.sorted_members, before_members, members)):
            for name in before - now:
                holders = index.get(name)
                if holders is not None:
                    holders.discard(uri)
                    if not holders:
                        del index[name]
                        del ordered[bisect.bisect_left(ordered, name)]
            for name in now - before:
                holders = index.get(name)
                if holders is None:
                    holders = index[name] = set()
                    bisect.insort(ordered, name)
                holders.add(uri)
        if top or members:
            self._defined[uri] = (top, members)

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

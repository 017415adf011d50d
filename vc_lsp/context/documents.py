"""The open documents as the context engine keeps them: text, privacy, and lazy indexes.

Nothing is computed on ``didOpen`` or ``didChange`` beyond recording the text (and, for the
few documents whose syntax tree is kept, telling the tree where the edit was). A document's
symbols are re-read when a request needs them and they are stale; the document being typed in
is re-read only when its line count changed or enough changes piled up, so typing along a line
costs nothing here. Trees are kept for the few most recently used documents, which makes their
re-reads incremental (about a millisecond for 2,000 lines instead of about ten).

Only a small document (``SYNC_CHARS``) is ever re-read on the event loop, where it costs a few
milliseconds. A larger one is re-read on a worker thread, one document at a time
(``context/reader.py`` runs ``reread.Read``): for 100,000 lines the parse and the index walk
take about a second, and however a request or the idle step got there, a keystroke arriving
then waited for all of it (the first completion after opening, every pause in typing, the
completion after ``STALE_CHANGES`` changes). So a request never waits for a large document's
symbols: it uses what there is, possibly nothing, and asks for the re-read (``want``), which
runs on a snapshot of the text. Symbols read from a slightly older text serve as well as the
ones the typing path already keeps for 400 changes; a document changed while it was read stays
stale, and is read again once the editor is idle. The kept tree is lent to the read and given
back with its result, so the loop and the thread never hold it at once; closing or replacing
the document meanwhile just drops the result. Why a thread helps at all, when py-tree-sitter
holds the GIL for each call into C: see ``symbols.py`` (the parse goes through callbacks, the
walk a range at a time, so the loop gets the GIL back within a few milliseconds).
"""

from __future__ import annotations

import bisect
import itertools
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .. import syntax
from ..documents import Text
from . import symbols as syms
from .languages import family_of, spec_for
from .reread import Read, Result, edit_tree
from .similar import Windows
from .text import Lines, view_of

if TYPE_CHECKING:
    from tree_sitter import Tree

KEEP_TREES = 12
SYNC_CHARS = 24_000  # a stale document this small is re-read on the loop when needed (a few
#                      ms); larger ones only on a worker thread, never within a request
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
    windows_source: str | Text | None = None  # the version ``windows`` were built from
    reading: bool = False  # a worker thread is re-reading it (its tree is lent to the read)
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

    @property
    def large(self) -> bool:
        """Re-read only off the event loop (``SYNC_CHARS``)."""
        return self.size > SYNC_CHARS


def same_version(kept: str | Text, asked: str | Text) -> bool:
    """Whether two texts are the same: by version for two ``Text``s (no join)."""
    if isinstance(kept, Text) and isinstance(asked, Text):
        return kept.same(asked)
    whole = [t if isinstance(t, str) else t.source for t in (kept, asked)]
    return whole[0] is whole[1] or whole[0] == whole[1]


def _indexed(language: str) -> bool:
    """Whether symbols are read for the language (a grammar and a spec)."""
    return spec_for(language) is not None and syntax.supported(language)


class Documents:
    """Every open document by URI, plus the names each one defines."""

    def __init__(self) -> None:
        self._docs: dict[str, OpenDocument] = {}
        self._by_path: dict[str, OpenDocument] = {}
        self._names: dict[str, frozenset[str]] = {}  # top-level name -> URIs defining it
        self._members: dict[str, frozenset[str]] = {}  # method or field name -> URIs
        self.sorted_names: list[str] = []  # the keys of ``_names``, sorted (prefix search)
        self.sorted_members: list[str] = []
        self._defined: dict[str, tuple[frozenset[str], frozenset[str]]] = {}
        self._trees: OrderedDict[str, None] = OrderedDict()
        self._clock = itertools.count(1)
        self._stale: set[str] = set()
        self._wanted: OrderedDict[str, bool] = OrderedDict()  # to re-read off the loop: windows?
        self._reads: dict[Read, OpenDocument] = {}  # running re-reads and whom they read
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
        if _indexed(doc.language):
            self._stale.add(doc.uri)
        self.touch(doc)
        self.generation += 1

    def remove(self, uri: str) -> OpenDocument | None:
        doc = self._docs.pop(uri, None)
        self._stale.discard(uri)
        self._wanted.pop(uri, None)
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
        if _indexed(doc.language):
            self._stale.add(doc.uri)
        doc.cache.clear()
        self.touch(doc)

    # -- indexes ---------------------------------------------------------------------------------

    def symbols(self, doc: OpenDocument, *, typing: bool = False) -> syms.FileSymbols | None:
        """The document's symbols, re-read when stale. ``typing``: this is the document being
        typed in; its symbols from before the last few keystrokes serve (imports and the
        definitions around rarely change while typing), and it is re-read while idle. A large
        document is never re-read here: what there is serves, and the re-read is wanted."""
        if typing and doc.symbols is not None and doc.changes < STALE_CHANGES:
            return doc.symbols  # checked first: it must not join a large text per keystroke
        if doc.large or doc.reading:
            if doc.uri in self._stale:
                self.want(doc, first=True)
            return doc.symbols
        if doc.symbols_text is doc.text or doc.symbols_text == doc.text:
            self._stale.discard(doc.uri)
            return doc.symbols
        self.refresh(doc)
        return doc.symbols

    def refresh(self, doc: OpenDocument) -> None:
        """Re-read the symbols here and now, whatever the size (the loop calls it only for
        small documents; scripts without an event loop for any)."""
        if doc.reading:
            return  # one re-read per document at a time: the running one will do
        if not _indexed(doc.language):
            doc.symbols, doc.symbols_text = None, doc.text
            self._stale.discard(doc.uri)
            return
        if doc.tree is not None:
            if doc.tree_stale:
                new = doc.text.encode("utf-8", "surrogatepass")
                edit_tree(doc.tree, doc.tree_source, new)
                doc.tree_source = new
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
        self._keep_tree(doc, tree if "\r" not in doc.text else None, source)
        top = frozenset(d.name for d in found.definitions if d.top_level) if found else frozenset()
        members = frozenset(d.name for d in found.definitions if d.container) if found \
            else frozenset()
        self._index_names(doc.uri, top, members)
        self.generation += 1

    # -- re-reads off the loop (``context/reader.py`` runs them) ---------------------------------

    def want(self, doc: OpenDocument, *, windows: bool = False, first: bool = False) -> None:
        """Ask for ``doc`` to be re-read off the loop (``windows``: its similar-code windows
        too); ``first``: before the documents the idle step asked for. A document being read
        is not asked for again: if it changed meanwhile, it is still stale when its read ends,
        and the idle step asks again."""
        if doc.reading or self._docs.get(doc.uri) is not doc:
            return
        self._wanted[doc.uri] = windows or self._wanted.get(doc.uri, False)
        if first:
            self._wanted.move_to_end(doc.uri, last=False)

    def busy(self) -> bool:
        """Whether a document is being read off the loop, or one is waiting to be."""
        return bool(self._reads) or self.next_wanted() is not None

    def next_wanted(self) -> str | None:
        """The URI of the next document to re-read (forgetting those that need nothing now)."""
        while self._wanted:
            uri, windows = next(iter(self._wanted.items()))
            doc = self._docs.get(uri)
            if doc is not None and not doc.reading and (
                    uri in self._stale or (windows and self._wants_windows(doc))):
                return uri
            del self._wanted[uri]
        return None

    def begin_read(self, uri: str) -> Read | None:
        """The snapshot to re-read ``uri`` from, its tree lent to it; ``None`` when it needs
        nothing (any more)."""
        windows = self._wanted.pop(uri, False)
        doc = self._docs.get(uri)
        if doc is None or doc.reading:
            return None
        symbols = uri in self._stale
        windows = windows and self._wants_windows(doc)
        if not symbols and not windows:
            return None
        spec = spec_for(doc.language)
        stop = (spec.stop if spec is not None else frozenset()) if windows else None
        read = Read(uri, doc.language, doc.source, doc.changes, symbols, doc.symbols_text,
                    doc.symbols, doc.tree if symbols else None,
                    doc.tree_source if symbols else b"", stop)
        if symbols:
            doc.tree, doc.tree_source, doc.tree_stale = None, b"", False
            self._trees.pop(uri, None)
        doc.reading = True
        self._reads[read] = doc
        return read

    def finish(self, read: Read, result: Result) -> None:
        """Apply a read's result: what it found is for its snapshot, so a document changed
        since stays stale; a closed or reopened one gets nothing."""
        doc = self._reads.pop(read)
        doc.reading = False
        if self._docs.get(doc.uri) is not doc:
            return
        current = same_version(doc.source, read.source)
        if read.symbols:
            doc.symbols, doc.symbols_text = result.symbols, result.text
            doc.changes = max(0, doc.changes - read.changes)
            if current:
                self._stale.discard(doc.uri)
            if result.tree is not None:
                self._keep_tree(doc, result.tree, result.tree_source)
                doc.tree_stale = not current
            if not result.same:
                self._index_names(doc.uri, result.top, result.members,
                                  (result.top_sorted, result.members_sorted))
                self.generation += 1
        if result.windows is not None:
            doc.windows, doc.windows_text = result.windows, result.text
            doc.windows_source = read.source

    def abandon(self, read: Read, *, failed: bool = False) -> None:
        """A read that ended without a result. Its tree was lent and may be half edited: it
        is dropped (the next read parses from scratch). ``failed``: it raised, and it is not
        tried again until the document changes."""
        doc = self._reads.pop(read)
        doc.reading = False
        if failed and self._docs.get(doc.uri) is doc:
            self._stale.discard(doc.uri)

    def _wants_windows(self, doc: OpenDocument) -> bool:
        return doc.usable and not self.windows_fresh(doc)

    def windows_fresh(self, doc: OpenDocument) -> bool:
        """Whether ``doc``'s windows are for its text (no join of a large text)."""
        return doc.windows is not None and doc.windows_source is not None and \
            same_version(doc.windows_source, doc.source)

    def windows(self, doc: OpenDocument, stop: frozenset[str]) -> Windows:
        if doc.windows is None or not self.windows_fresh(doc):
            doc.windows = Windows.build(doc.text, stop)
            doc.windows_text, doc.windows_source = doc.text, doc.source
        return doc.windows

    def names(self) -> list[str]:
        return list(self._names)

    def member_names(self) -> list[str]:
        return list(self._members)

    def defining(self, name: str) -> frozenset[str]:
        """URIs of open documents whose last read symbols define ``name`` at the top level."""
        return self._names.get(name, frozenset())

    def with_member(self, name: str) -> frozenset[str]:
        """URIs of open documents with a method or field called ``name``."""
        return self._members.get(name, frozenset())

    def stale(self) -> list[OpenDocument]:
        """Documents whose symbols were never read or are out of date, most recent first."""
        out = [self._docs[uri] for uri in self._stale if uri in self._docs]
        out.sort(key=lambda d: -d.touched)
        return out

    # -- internals -------------------------------------------------------------------------------

    def _index_names(self, uri: str, top: frozenset[str], members: frozenset[str],
                     ordered: tuple[list[str], list[str]] | None = None) -> None:
        """``ordered``: ``top`` and ``members`` sorted (by the worker thread). Bulk operations
        where a file's names come and go by the thousand: the first read of a 100,000-line
        file adds 16,000 names, on the loop, at once."""
        before_top, before_members = self._defined.pop(uri, (frozenset(), frozenset()))
        alone = frozenset((uri,))  # shared by every name only this file defines
        for index, names, before, now, now_sorted in (
                (self._names, self.sorted_names, before_top, top,
                 ordered[0] if ordered else None),
                (self._members, self.sorted_members, before_members, members,
                 ordered[1] if ordered else None)):
            gone: list[str] = []
            for name in before - now:
                holders = index.get(name)
                if holders is None:
                    continue
                if len(holders) > 1:
                    index[name] = holders - alone
                elif uri in holders:
                    del index[name]
                    gone.append(name)
            shared = (now - before) & index.keys()
            for name in shared:
                index[name] = index[name] | alone
            # names no document defined yet, in order (``before``'s are in ``index`` too)
            new = list(itertools.filterfalse(index.__contains__, now_sorted)) \
                if now_sorted is not None else sorted(now - before - shared)
            index.update(dict.fromkeys(new, alone))
            _resort(names, index, gone, new)
        if top or members:
            self._defined[uri] = (top, members)

    def _keep_tree(self, doc: OpenDocument, tree: Tree | None, source: bytes) -> None:
        """Keep ``tree`` (parsed from ``source``); ``None``: the document keeps none (lone-CR
        text, whose tree rows would not be lines)."""
        if tree is None:
            doc.tree, doc.tree_source = None, b""
            self._trees.pop(doc.uri, None)
            return
        doc.tree, doc.tree_source = tree, source
        self._trees[doc.uri] = None
        self._trees.move_to_end(doc.uri)
        while len(self._trees) > KEEP_TREES:
            uri, _ = self._trees.popitem(last=False)
            dropped = self._docs.get(uri)
            if dropped is not None:
                dropped.tree, dropped.tree_source = None, b""


BISECT_LIMIT = 64  # names added or removed at once, beyond which the sorted list is rebuilt


def _resort(ordered: list[str], index: dict[str, frozenset[str]], gone: list[str],
            new: list[str]) -> None:
    """Keep ``ordered`` the sorted keys of ``index``: one name at a time for a few, a merge for
    many. ``new`` is sorted."""
    if len(gone) + len(new) <= BISECT_LIMIT:
        for name in gone:
            del ordered[bisect.bisect_left(ordered, name)]
        for name in new:
            bisect.insort(ordered, name)
        return
    if gone:
        ordered[:] = [name for name in ordered if name in index]
    if new:
        ordered.extend(new)
        ordered.sort()  # two sorted runs: timsort merges them in one pass

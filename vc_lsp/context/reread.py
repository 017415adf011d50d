"""A large document's re-read: taken on the event loop, computed on a worker thread.

``Documents.begin_read`` takes a ``Read`` from a document: its text as it is then (a ``Text``
snapshot, like a ``str``, never changes), and its syntax tree, which the document lends to the
read and gets back, edited and re-parsed, from ``Documents.finish``: only one side holds the
tree at any time, so it is never edited by the loop and parsed by the thread at once. ``run``
reads nothing else of the document and writes nothing shared, so it is safe on any thread; the
loop goes on changing (or closing) the document meanwhile, and ``finish`` decides what of the
result still applies. ``stop`` makes a running ``run`` raise ``Stopped`` within a few parser
steps or one range of the index walk (``symbols.py``), which is what lets a closed document or
a shutdown end a re-read promptly instead of waiting for a second of parsing.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..documents import Text, common_affixes
from . import symbols as syms
from .similar import Windows

if TYPE_CHECKING:
    from tree_sitter import Tree


@dataclass(eq=False)
class Read:
    uri: str
    language: str
    source: str | Text  # the snapshot
    changes: int  # the document's change count when the snapshot was taken
    symbols: bool  # re-read the symbols (else only build the windows)
    known_text: str | None  # what the document's current symbols were read from ...
    known: syms.FileSymbols | None  # ... and those symbols: an unchanged text is not parsed
    tree: Tree | None  # lent by the document until the read ends
    tree_source: bytes
    stop_words: frozenset[str] | None  # build the similar-code windows too
    _stop: threading.Event = field(default_factory=threading.Event)

    def stop(self) -> None:
        """Make a running ``run`` raise ``Stopped`` at its next check (any thread)."""
        self._stop.set()

    def stopped(self) -> bool:
        return self._stop.is_set()

    def run(self) -> Result:
        """Parse and index the snapshot (and build its windows): the part off the loop."""
        text = self.source if isinstance(self.source, str) else self.source.source
        windows = Windows.build(text, self.stop_words) if self.stop_words is not None else None
        if not self.symbols:
            return Result(text, windows=windows)
        if self.known_text is not None and text == self.known_text:
            return Result(text, same=True, symbols=self.known, tree=self.tree,
                          tree_source=self.tree_source, windows=windows)
        language = self.language
        source = text.encode("utf-8", "surrogatepass")
        old = self.tree
        if old is not None and source != self.tree_source:
            edit_tree(old, self.tree_source, source)
        tree = syms.parse(language, source, old, stop=self.stopped)
        found = syms.index(language, source, tree, stop=self.stopped) \
            if tree is not None else None
        if self.stopped():
            raise syms.Stopped
        top: frozenset[str] = frozenset()
        members: frozenset[str] = frozenset()
        if found is not None:
            found.sorted_names()  # made here rather than by the first request after
            found.scopes()
            top = frozenset(d.name for d in found.definitions if d.top_level)
            members = frozenset(d.name for d in found.definitions if d.container)
        if b"\r" in source:  # tree rows count only \n: lone-CR text is parsed whole each time
            tree = None
        return Result(text, symbols=found, tree=tree, tree_source=source if tree else b"",
                      top=top, members=members, top_sorted=sorted(top),
                      members_sorted=sorted(members), windows=windows)


@dataclass(eq=False)
class Result:
    text: str  # the snapshot, joined
    same: bool = False  # the text the known symbols were read from: nothing was re-read
    symbols: syms.FileSymbols | None = None
    tree: Tree | None = None
    tree_source: bytes = b""
    top: frozenset[str] = frozenset()  # the names for ``Documents``' index ...
    members: frozenset[str] = frozenset()
    top_sorted: list[str] = field(default_factory=list)  # ... and sorted, here
    members_sorted: list[str] = field(default_factory=list)
    windows: Windows | None = None


def edit_tree(tree: Tree, old: bytes, new: bytes) -> None:
    """Tell ``tree`` (parsed from ``old``) where ``new`` differs, so a parse reuses the rest."""
    prefix, suffix = common_affixes(old, new)
    old_end, new_end = len(old) - suffix, len(new) - suffix

    def point(source: bytes, offset: int) -> tuple[int, int]:
        return source.count(b"\n", 0, offset), offset - (source.rfind(b"\n", 0, offset) + 1)

    tree.edit(start_byte=prefix, old_end_byte=old_end, new_end_byte=new_end,
              start_point=point(old, prefix), old_end_point=point(old, old_end),
              new_end_point=point(new, new_end))

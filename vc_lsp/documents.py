"""The server's documents: text kept as blocks of lines, so a keystroke costs O(edit), not O(file).

pygls applies an incremental change by rebuilding the whole text line by line, splits the text
with ``str.splitlines`` (which also breaks at form feed, NEL and U+2028, where LSP does not) and
converts every position by walking every line. Here a document is a list of blocks of at most
``BLOCK_MAX`` lines each; a change replaces the lines it touches in one block, positions and
offsets are found by bisecting per-block sums, and the whole text is joined only when someone
asks for it (and then kept until the next change). Blocks are tuples and are never changed in
place, so a snapshot shares them with the live document at the cost of copying two short lists.

``VcWorkspace`` makes pygls create these documents, so every handler and service gets them.
"""

from __future__ import annotations

import bisect
import itertools
import os
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, AnyStr

from lsprotocol import types
from pygls import uris
from pygls.workspace import PositionCodec, TextDocument, Workspace

from .lines import split_lines, strip_break

BLOCK_TARGET = 256  # lines per block after a split
BLOCK_MAX = 512
BLOCK_MIN = 64
KEEP_JOINED = 4096  # below this size an edit keeps the joined text up to date too
_UTF8, _UTF16 = types.PositionEncodingKind.Utf8.value, types.PositionEncodingKind.Utf16.value


def file_name(uri: str) -> str:
    """The file's name for prompts and messages: ``my file.py``, never ``my%20file.py``."""
    path = uris.to_fs_path(uri)
    name = os.path.basename(path) if path else uri.rstrip("/").rsplit("/", 1)[-1]
    return name or uri


def common_affixes(old: AnyStr, new: AnyStr) -> tuple[int, int]:
    """Lengths of the common prefix and (non-overlapping) common suffix of two texts.

    Binary search over slice comparisons: a few memcmp calls instead of a Python loop over
    every character.
    """
    limit = min(len(old), len(new))
    low, high = 0, limit
    while low < high:
        mid = (low + high + 1) // 2
        if old[low:mid] == new[low:mid]:
            low = mid
        else:
            high = mid - 1
    prefix = low
    limit -= prefix
    low, high = 0, limit
    n_old, n_new = len(old), len(new)
    while low < high:
        mid = (low + high + 1) // 2
        if old[n_old - mid:n_old - low] == new[n_new - mid:n_new - low]:
            low = mid
        else:
            high = mid - 1
    return prefix, low


# -- columns: client units <-> code points on one line ------------------------------------------


def units(text: str, encoding: str) -> int:
    """Length of ``text`` in the client's units (UTF-8 bytes, UTF-16 units or code points);
    ``encoding`` is the negotiated kind's value (``utf-16``)."""
    if encoding not in (_UTF8, _UTF16) or text.isascii():
        return len(text)
    if encoding == _UTF16:
        return len(text.encode("utf-16-le", "surrogatepass")) // 2
    return len(text.encode("utf-8", "surrogatepass"))


def index_of(text: str, column: int, encoding: str) -> int:
    """The code point index of a client column; inside a character it rounds down, past the
    end it is the end."""
    if encoding not in (_UTF8, _UTF16) or text.isascii():
        return min(column, len(text))
    if encoding == _UTF16:
        data = text.encode("utf-16-le", "surrogatepass")[: 2 * column]
        return len(data.decode("utf-16-le", "ignore"))
    return len(text.encode("utf-8", "surrogatepass")[:column].decode("utf-8", "ignore"))


# -- the text --------------------------------------------------------------------------------------


class Text:
    """Immutable-block text: lines with their breaks, in blocks, with per-block sums."""

    __slots__ = ("_blocks", "_cell", "_char_starts", "_chars", "_line_starts", "_offsets")

    def __init__(self, source: str = "") -> None:
        lines = split_lines(source)
        self._set_blocks([tuple(lines[i:i + BLOCK_TARGET])
                          for i in range(0, len(lines), BLOCK_TARGET)] or [()])
        # The joined text, shared by every copy of this version: whoever needs it first joins
        # it once, and every copy sees the same string (identity checks stay cheap).
        self._cell: list[str | None] = [source]

    def _set_blocks(self, blocks: list[tuple[str, ...]]) -> None:
        self._blocks = blocks
        self._chars = [sum(map(len, b)) for b in blocks]
        self._offsets: list[list[int] | None] = [None] * len(blocks)
        self._reindex()

    def _reindex(self) -> None:
        self._line_starts = list(itertools.accumulate(map(len, self._blocks[:-1]), initial=0))
        self._char_starts = list(itertools.accumulate(self._chars[:-1], initial=0))

    def copy(self) -> Text:
        """A snapshot: the blocks are shared (they are never changed in place)."""
        out = Text.__new__(Text)
        out._blocks = list(self._blocks)
        out._chars = list(self._chars)
        out._offsets = list(self._offsets)
        out._line_starts = list(self._line_starts)
        out._char_starts = list(self._char_starts)
        out._cell = self._cell
        return out

    # -- reading ---------------------------------------------------------------------------

    def __len__(self) -> int:
        return self._char_starts[-1] + self._chars[-1]

    @property
    def line_count(self) -> int:
        """Lines with content; a text ending in a line break has one more, empty, line."""
        return self._line_starts[-1] + len(self._blocks[-1])

    @property
    def source(self) -> str:
        joined = self._cell[0]
        if joined is None:
            joined = self._cell[0] = "".join("".join(block) for block in self._blocks)
        return joined

    def same(self, other: Text) -> bool:
        """Whether ``other`` is this text at the same version (a copy nothing changed since)."""
        return self._cell is other._cell

    @property
    def joined(self) -> bool:
        """Whether the whole text is at hand without joining it."""
        return self._cell[0] is not None

    def _locate_line(self, line: int) -> tuple[int, int]:
        b = bisect.bisect_right(self._line_starts, line) - 1
        return b, line - self._line_starts[b]

    def line(self, line: int) -> str:
        """Line ``line`` with its break; ``""`` past the last line."""
        if line < 0 or line >= self.line_count:
            return ""
        b, k = self._locate_line(line)
        return self._blocks[b][k]

    def line_start(self, line: int) -> int:
        """The offset where ``line`` starts (the end of the text for the line past the last)."""
        if line >= self.line_count:
            return len(self)
        b, k = self._locate_line(max(line, 0))
        return self._char_starts[b] + self._starts_in(b)[k]

    def line_at(self, offset: int) -> int:
        """The line that holds ``offset`` (the end of a final line break: the line past it)."""
        offset = min(max(offset, 0), len(self))
        b = bisect.bisect_right(self._char_starts, offset) - 1
        while b > 0 and not self._blocks[b]:
            b -= 1
        k = bisect.bisect_right(self._starts_in(b), offset - self._char_starts[b]) - 1
        return self._line_starts[b] + min(k, len(self._blocks[b]))

    def _starts_in(self, b: int) -> list[int]:
        """Where each line of block ``b`` starts within it (and where the block ends), made
        the first time a position in the block is asked for."""
        starts = self._offsets[b]
        if starts is None:
            starts = self._offsets[b] = list(itertools.accumulate(map(len, self._blocks[b]),
                                                                  initial=0))
        return starts

    def slice(self, start: int, end: int) -> str:
        """``source[start:end]`` without joining the whole text."""
        joined = self._cell[0]
        if joined is not None:
            return joined[start:end]
        start, end = max(start, 0), min(end, len(self))
        if start >= end:
            return ""
        first, last = self.line_at(start), self.line_at(end - 1)
        base = self.line_start(first)
        part = "".join(self.line(n) for n in range(first, last + 1))
        return part[start - base:end - base]

    # -- writing ---------------------------------------------------------------------------

    def replace(self, start: int, end: int, text: str) -> None:
        """Replace ``[start, end)`` with ``text``; costs the lines it touches, not the file."""
        size = len(self)
        start, end = min(max(start, 0), size), min(max(end, 0), size)
        if end < start:
            start, end = end, start
        first = max(self.line_at(start) - 1, 0)  # a neighbour, so \r + \n joins into \r\n
        last = min(self.line_at(end) + 1, self.line_count - 1)
        base = self.line_start(first)
        old = "".join(self.line(n) for n in range(first, last + 1))
        new = old[:start - base] + text + old[end - base:]
        self._splice(first, last + 1, split_lines(new))
        joined = self._cell[0]
        small = joined is not None and len(joined) < KEEP_JOINED
        self._cell = [joined[:start] + text + joined[end:] if small and joined is not None
                      else None]

    def common(self, other: Text, *, prefix_at_most: int | None = None) -> tuple[int, int]:
        """Lengths of the common prefix (at most ``prefix_at_most``) and the non-overlapping
        common suffix of the two texts, found block by block: blocks two versions share are
        the same object, so this costs the blocks and lines that differ, not the document."""
        short = min(len(self), len(other))
        if self is other or self._blocks is other._blocks or self.same(other):
            prefix = short
        else:
            prefix = min(self._prefix_with(other), short)
        if prefix_at_most is not None:
            prefix = min(prefix, max(prefix_at_most, 0))
        if prefix == short:
            return prefix, 0
        return prefix, min(self._suffix_with(other), short - prefix)

    def _prefix_with(self, other: Text) -> int:
        a, b = self._blocks, other._blocks
        i = 0
        while i < min(len(a), len(b)) and a[i] is b[i]:
            i += 1
        chars = self._char_starts[i] if i < len(a) else len(self)
        for mine, theirs in zip(itertools.chain.from_iterable(a[i:]),
                                itertools.chain.from_iterable(b[i:]), strict=False):
            if mine != theirs:
                return chars + common_affixes(mine, theirs)[0]
            chars += len(mine)
        return chars

    def _suffix_with(self, other: Text) -> int:
        a, b = self._blocks, other._blocks
        j = 0
        while j < min(len(a), len(b)) and a[-1 - j] is b[-1 - j]:
            j += 1
        chars = len(self) - self._char_starts[len(a) - j] if j else 0
        for mine, theirs in zip(_backwards(a[:len(a) - j]), _backwards(b[:len(b) - j]),
                                strict=False):
            if mine != theirs:
                return chars + _common_tail(mine, theirs)
            chars += len(mine)
        return chars

    def _splice(self, first: int, stop: int, lines: list[str]) -> None:
        """Lines ``[first, stop)`` become ``lines``; only the blocks they span are rebuilt."""
        if self.line_count == 0:
            self._set_blocks(_chunked(lines) or [()])
            return
        b0, k0 = self._locate_line(first)
        b1, k1 = self._locate_line(stop - 1)
        head = self._blocks[b0][:k0]
        tail = self._blocks[b1][k1 + 1:]
        merged = [*head, *lines, *tail]
        if b0 > 0 and len(merged) < BLOCK_MIN:
            b0 -= 1
            merged = [*self._blocks[b0], *merged]
        new_blocks = _chunked(merged) if len(merged) > BLOCK_MAX else [tuple(merged)]
        new_blocks = [b for b in new_blocks if b]
        self._blocks[b0:b1 + 1] = new_blocks
        self._chars[b0:b1 + 1] = [sum(map(len, b)) for b in new_blocks]
        self._offsets[b0:b1 + 1] = [None] * len(new_blocks)
        if not self._blocks:
            self._blocks, self._chars, self._offsets = [()], [0], [None]
        self._reindex()


def _backwards(blocks: list[tuple[str, ...]]) -> Iterator[str]:
    return itertools.chain.from_iterable(reversed(block) for block in reversed(blocks))


def _common_tail(a: str, b: str) -> int:
    return common_affixes(a[::-1], b[::-1])[0]


def _chunked(lines: Sequence[str]) -> list[tuple[str, ...]]:
    return [tuple(lines[i:i + BLOCK_TARGET]) for i in range(0, len(lines), BLOCK_TARGET)]


# -- the document pygls hands to handlers ----------------------------------------------------


class Document(TextDocument):
    """A pygls ``TextDocument`` whose text is a ``Text``: same API, O(edit) changes, positions
    by LSP's line breaks only."""

    def __init__(self, uri: str, source: str | None = None, version: int | None = None,
                 language_id: str | None = None, sync_kind: types.TextDocumentSyncKind =
                 types.TextDocumentSyncKind.Incremental,
                 position_codec: PositionCodec | None = None) -> None:
        super().__init__(uri, source=None, version=version, language_id=language_id,
                         sync_kind=sync_kind, position_codec=position_codec)
        self.text = Text(source or "")

    @property
    def source(self) -> str:
        return self.text.source

    @property
    def lines(self) -> list[str]:
        return split_lines(self.text.source)

    @property
    def encoding(self) -> str:
        """``utf-8``, ``utf-16`` or ``utf-32``, as negotiated with the client."""
        encoding = self.position_codec.encoding
        return str(getattr(encoding, "value", encoding))

    def snapshot(self) -> Document:
        """A frozen copy: later changes to this document do not reach it."""
        out = Document.__new__(Document)
        out.__dict__.update(self.__dict__)
        out.text = self.text.copy()
        return out

    # -- changes ---------------------------------------------------------------------------

    def apply_change(self, change: types.TextDocumentContentChangeEvent) -> None:
        if isinstance(change, types.TextDocumentContentChangePartial):
            start = self.offset_at_position(change.range.start)
            end = self.offset_at_position(change.range.end)
            self.text.replace(min(start, end), max(start, end), change.text)
        else:
            self.text = Text(change.text)

    # -- positions -------------------------------------------------------------------------

    def offset_at_position(self, client_position: types.Position) -> int:
        """A client position as an offset, clamped into the document as pygls does."""
        line, column = client_position.line, client_position.character
        if line >= self.text.line_count:
            return len(self.text)
        line = max(line, 0)
        text = strip_break(self.text.line(line))
        return self.text.line_start(line) + index_of(text, max(column, 0), self.encoding)

    def offset_in_range(self, client_position: types.Position) -> int | None:
        """Like ``offset_at_position``, but ``None`` for a position outside the document."""
        line, column = client_position.line, client_position.character
        count = self.text.line_count
        if line < 0 or column < 0 or line > count:
            return None
        if line == count:  # the empty line after a final break (or of an empty document)
            ends = count == 0 or _ends_line(self.text.line(count - 1))
            return len(self.text) if column == 0 and ends else None
        text = strip_break(self.text.line(line))
        if column > units(text, self.encoding):
            return None
        return self.text.line_start(line) + index_of(text, column, self.encoding)

    def client_position_at_offset(self, offset: int) -> types.Position:
        """The client position of an offset. The end of a text whose last line has no break
        is the end of that line, never a line past the last one."""
        offset = min(max(offset, 0), len(self.text))
        line = self.text.line_at(offset)
        if line == self.text.line_count and line > 0 and not _ends_line(self.text.line(line - 1)):
            line -= 1
        start = self.text.line_start(line)
        text = strip_break(self.text.line(line))
        return types.Position(line, units(text[:offset - start], self.encoding))

    def range_at(self, start: int, end: int) -> types.Range:
        return types.Range(self.client_position_at_offset(start),
                           self.client_position_at_offset(end))

    def slice(self, start: int, end: int) -> str:
        return self.text.slice(start, end)


def _ends_line(line: str) -> bool:
    return line.endswith(("\n", "\r"))


def new_document(uri: str, text: str, *, version: int | None = None, language_id: str = "",
                 encoding: str = "utf-16") -> Document:
    """A document outside the workspace (a file read by the CLI, a copy an edit is made on)."""
    return Document(uri, source=text, version=version, language_id=language_id,
                    position_codec=PositionCodec(encoding=encoding))


def live(workspace: Workspace, uri: str) -> Document | None:
    """The open document itself, which later changes reach; ``None`` if it is not open."""
    doc = workspace.text_documents.get(uri)
    return doc if isinstance(doc, Document) else None


def snapshot(workspace: Workspace, uri: str) -> Document | None:
    """A frozen copy of an open document; ``None`` for documents the client never opened
    (pygls would read those from disk)."""
    if uri not in workspace.text_documents:
        return None
    live = workspace.get_text_document(uri)
    if isinstance(live, Document):
        return live.snapshot()
    return Document(uri, source=live.source, version=live.version,
                    language_id=live.language_id, position_codec=live.position_codec)


class VcWorkspace(Workspace):
    """pygls's workspace, creating ``Document``s."""

    def _create_text_document(self, doc_uri: str, source: str | None = None,
                              version: int | None = None,
                              language_id: str | None = None) -> TextDocument:
        return Document(doc_uri, source=source, version=version, language_id=language_id,
                        sync_kind=self._sync_kind, position_codec=self._position_codec)

    @classmethod
    def like(cls, old: Workspace, folders: Iterable[types.WorkspaceFolder]) -> VcWorkspace:
        """The same workspace as pygls made it at initialize, creating our documents."""
        kw: dict[str, Any] = {"sync_kind": old._sync_kind,
                              "workspace_folders": list(folders),
                              "position_encoding": old.position_encoding}
        return cls(old.root_uri, **kw)

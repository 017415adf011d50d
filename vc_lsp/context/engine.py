"""Gather, rank and fit the context for one request; hand back a plain value.

Candidates come from three sources (definitions, similar code, recent edits), each scored; the
best are taken greedily until the budget (characters; tokens are characters / 4) is spent, and
then put in a fixed order (kind, path, line; edits oldest first), so the same set of snippets
always gives the same text.

What changes with every keystroke is kept apart so upstream prompt caches keep hitting: the
names on the cursor line and the word being typed resolve into ``near`` snippets, shown after
the file; everything else is computed from lines other than the cursor line and is remembered
until one of them (or an index) changes, so typing along a line reuses it as it is.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .definitions import Definitions, Found, Here
from .documents import Documents, OpenDocument
from .history import EditHistory
from .languages import spec_for
from .similar import QUERY_LINES, rank, tokens
from .symbols import FileSymbols
from .text import Lines
from .workspace import Workspace

CHARS_PER_TOKEN = 4
NEAR_SHARE = 0.3  # of the budget, for the cursor line's names and the word being typed
SCOPE_ABOVE = 40  # lines of the enclosing scope read above the cursor ...
SCOPE_BELOW = 12  # ... and below
AROUND = (20, 8)  # lines read when the cursor is in no definition
MAX_USES = 40
MAX_NEAR_USES = 12
MAX_SYNC_INDEX = 4  # small stale open documents re-read within one request (the rest when idle)
NEIGHBOURS = 20  # most recently used documents searched for similar code
SIMILAR_LIMIT = 3
EDIT_LIMIT = 4
EDIT_MAX_LINES = 16

_CHAIN = re.compile(r"[A-Za-z_$][\w$]*(?:[ \t]*(?:\.|::|->)[ \t]*[A-Za-z_$][\w$]*)*")
_SPLIT = re.compile(r"[ \t]*(?:\.|::|->)[ \t]*")
_PARTIAL = re.compile(r"(?:([A-Za-z_$][\w$]*)[ \t]*(?:\.|::|->)[ \t]*)?([A-Za-z_$][\w$]*)?$")
_LOCAL = re.compile(r"(?:\b(?:let|const|var|mut|for|foreach)\s+|(?:^|[\s,(]))"
                    r"([A-Za-z_]\w*)\s*(?::=|(?:\:[^=\n]{1,40})?=(?!=)|\s+in\b|\s+of\b)")


@dataclass(frozen=True, slots=True)
class Snippet:
    """One piece of context: where it comes from and its text."""

    kind: str  # "definition", "similar" or "edit"
    path: str  # as the model sees it
    line: int  # 1-based first line; 0 for an edit
    text: str
    seq: int = 0  # edits: how recent (ordering)

    @property
    def size(self) -> int:
        return len(self.text) + len(self.path) + 40  # the tags around it


@dataclass(frozen=True, slots=True)
class PromptContext:
    """What a prompt builder gets: the current file's shown path and the snippets."""

    path: str
    snippets: tuple[Snippet, ...] = ()  # before the file: stable while the user types
    near: tuple[Snippet, ...] = ()  # after the file: for the cursor line


@dataclass(frozen=True, slots=True)
class Options:
    definitions: bool = True
    similar: bool = True
    edits: bool = True
    budget_tokens: int = 2048


@dataclass(frozen=True, slots=True)
class _Use:
    name: str
    member: str | None
    distance: int  # lines from the cursor line


_KIND_ORDER = {"definition": 0, "similar": 1, "edit": 2}


def _ordered(snippets: Iterable[Snippet]) -> tuple[Snippet, ...]:
    return tuple(sorted(snippets, key=lambda s: (_KIND_ORDER[s.kind], s.seq, s.path, s.line,
                                                 s.text)))


def fit(candidates: list[tuple[float, Snippet]], budget: int) -> list[Snippet]:
    """The best candidates that fit in ``budget`` characters (greedy by score)."""
    chosen: list[Snippet] = []
    seen: set[tuple[str, str, int]] = set()
    left = budget
    for _score, snippet in sorted(candidates, key=lambda c: (-c[0], c[1].path, c[1].line)):
        key = (snippet.kind, snippet.path, snippet.line)
        if key in seen or snippet.size > left or not snippet.text.strip():
            continue
        seen.add(key)
        chosen.append(snippet)
        left -= snippet.size
    return chosen


class Engine:
    def __init__(self, docs: Documents, workspace: Workspace, history: EditHistory) -> None:
        self.docs = docs
        self.ws = workspace
        self.history = history
        self.defs = Definitions(docs, workspace)
        self._stable: dict[str, tuple[object, list[tuple[float, Snippet]]]] = {}
        self._diffs: dict[tuple[str, int, int, str], str] = {}
        self._similar: dict[str, tuple[object, list[tuple[float, Snippet]]]] = {}

    # -- entry points --------------------------------------------------------------------------

    def inline(self, doc: OpenDocument, offset: int, window: tuple[int, int],
               options: Options) -> PromptContext:
        """Context for a completion at ``offset``; ``window`` is the file window's offsets."""
        budget = options.budget_tokens * CHARS_PER_TOKEN
        if budget <= 0:
            return PromptContext(doc.shown)
        view = doc.view()
        line = view.line_of(offset)
        shown = (view.line_of(window[0]), view.line_of(window[1]))
        self._index_others(doc)
        symbols = self.docs.symbols(doc, typing=True) if options.definitions else None
        here = self.defs.here(doc, symbols)
        uses, scope_text = self._uses(doc, view, offset, line, symbols) \
            if options.definitions else ([], "")
        if options.definitions and symbols is not None:
            uses = _dedupe(uses + _imported_uses(symbols))
        candidates: list[tuple[float, Snippet]] = []
        if options.definitions and uses:
            key = (tuple(uses), id(symbols), self.docs.generation, self.ws.generation, shown)
            cached = self._stable.get(doc.uri)
            if cached is not None and cached[0] == key:
                found = cached[1]
            else:
                found = [(2 + score, s) for score, s in self._definition_candidates(
                    here, uses, shown, doc, locals_text=scope_text)]
                self._stable[doc.uri] = (key, found)
            candidates += found
        if options.edits:
            candidates += self._edit_candidates(doc, line)
        if options.similar:
            candidates += [(1 + score, s)
                           for score, s in self._similar_candidates(doc, view, offset)]
        stable = _ordered(fit(candidates, int(budget * (1 - NEAR_SHARE))))
        near: tuple[Snippet, ...] = ()
        if options.definitions:
            near = self._near(doc, view, offset, line, here, shown, stable,
                              int(budget * NEAR_SHARE))
        return PromptContext(doc.shown, stable, near)

    def region(self, doc: OpenDocument, start: int, end: int, shown: tuple[int, int],
               options: Options) -> tuple[Snippet, ...]:
        """Definitions the code in ``start..end`` uses, for a code action on it; ``shown`` is
        what the action's prompt already holds (offsets)."""
        if not options.definitions or options.budget_tokens <= 0:
            return ()
        view = doc.view()
        self._index_others(doc)
        symbols = self.docs.symbols(doc)
        here = self.defs.here(doc, symbols)
        first = view.line_of(start)
        a, b = view.start(start), view.end(max(start, end - 1))
        uses = self._uses_in(view, a, b, first, first, doc.language)
        region_text = view.slice(a, b)
        scope = self._scope(symbols, first)
        if scope is not None and scope[0] < first:
            head = view.back(a, first - scope[0])
            head_end = view.forward(head, 2)
            uses += self._uses_in(view, head, head_end, scope[0], first, doc.language)
            region_text = view.slice(head, head_end) + "\n" + region_text
        shown_lines = (view.line_of(shown[0]), view.line_of(shown[1]))
        candidates = self._definition_candidates(here, _dedupe(uses)[:MAX_USES * 2],
                                                 shown_lines, doc, locals_text=region_text)
        return _ordered(fit(candidates, options.budget_tokens * CHARS_PER_TOKEN))

    def warm(self, *, background: bool = False) -> bool:
        """One step of idle work (re-read a stale document, or build a document's windows);
        True while more is left here. ``background``: a large document is only asked for
        (``Documents.want``), one at a time, for the reader to do off the loop (the idle step
        comes back when it is done, so reading stops when typing starts again); without it
        (scripts without an event loop) large documents are read here as well."""
        busy = self.docs.busy()
        for doc in self.docs.stale():
            if doc.reading:
                continue
            if background and doc.large:
                if not busy:
                    self.docs.want(doc)
                    busy = True
                continue
            self.docs.refresh(doc)
            return True
        for doc in sorted(self.docs, key=lambda d: -d.touched)[1:]:  # not the one being typed in
            if doc.reading or not doc.usable or self.docs.windows_fresh(doc):
                continue
            if background and doc.large:
                if not busy:
                    self.docs.want(doc, windows=True)
                    busy = True
                continue
            spec = spec_for(doc.language)
            self.docs.windows(doc, spec.stop if spec else frozenset())
            return True
        return False

    # -- the parts -----------------------------------------------------------------------------

    def _index_others(self, doc: OpenDocument) -> None:
        """Bring a few small stale documents up to date now; large ones are read off the loop
        while idle, or when a request uses them (a request never waits for parsing one)."""
        small = [d for d in self.docs.stale() if d is not doc and not d.large and not d.reading]
        for other in small[:MAX_SYNC_INDEX]:
            self.docs.refresh(other)

    @staticmethod
    def _scope(symbols: FileSymbols | None, line: int) -> tuple[int, int] | None:
        """Lines of the innermost function, method or class around ``line``."""
        if symbols is None:
            return None
        scopes = symbols.scopes()
        at = bisect.bisect_right(scopes, (line, 1 << 30)) - 1
        while at >= 0:
            if scopes[at][1] >= line:
                return scopes[at]
            at -= 1
        return None

    def _uses(self, doc: OpenDocument, view: Lines, offset: int, line: int,
              symbols: FileSymbols | None) -> tuple[list[_Use], str]:
        """Names used near the cursor, outside the cursor line, nearest first; and the text
        they were read from (to tell local variables from definitions elsewhere)."""
        scope = self._scope(symbols, line)
        if scope is not None:
            above = min(SCOPE_ABOVE, line - scope[0])
            below = min(SCOPE_BELOW, max(scope[1] - line, 0))
        else:
            above, below = AROUND
        start = view.back(offset, above)
        cursor_start, cursor_end = view.start(offset), view.end(offset)
        end = view.forward(offset, below)
        first = view.line_of(start)
        uses = self._uses_in(view, start, cursor_start, first, line, doc.language)
        if cursor_end < end:
            uses += self._uses_in(view, view.after(cursor_end), end, line + 1, line,
                                  doc.language)
        region = view.slice(start, cursor_start) + view.slice(cursor_end, end)
        if scope is not None and scope[0] < first:
            head = view.back(start, first - scope[0])
            head_end = view.forward(head, 2)
            uses += self._uses_in(view, head, head_end, scope[0], line, doc.language)
            region = view.slice(head, head_end) + "\n" + region
        return _dedupe(uses)[:MAX_USES], region

    @staticmethod
    def _uses_in(view: Lines, start: int, end: int, first_line: int, cursor_line: int,
                 language: str) -> list[_Use]:
        spec = spec_for(language)
        stop = spec.stop if spec is not None else frozenset()
        out: list[_Use] = []
        segment = view.slice(start, end)
        line, last = first_line, 0
        for match in _CHAIN.finditer(segment):
            line += segment.count("\n", last, match.start())
            last = match.start()
            parts = _SPLIT.split(match.group(0))
            distance = abs(line - cursor_line)
            head = parts[0]
            # a one-letter name only as a qualifier: Go's ``m.User``, not a loop variable
            if head not in stop and (len(head) > 1 or len(parts) > 1):
                out.append(_Use(head, parts[1] if len(parts) > 1 else None, distance))
            for k in range(2, len(parts)):  # ``a.b.c.f``: the module may be ``a.b.c``
                out.append(_Use(".".join(parts[:k]), parts[k], distance))
            for part in parts[1:]:
                if part not in stop and len(part) > 1:
                    out.append(_Use(part, "", distance))  # "": a member of something
        return out

    def _definition_candidates(self, here: Here, uses: list[_Use], shown: tuple[int, int],
                               doc: OpenDocument, *, locals_text: str = ""
                               ) -> list[tuple[float, Snippet]]:
        defs = self.defs
        local_names = set(_LOCAL.findall(locals_text)) if locals_text else set()
        out: list[tuple[float, Snippet]] = []
        seen: set[tuple[str, int]] = set()
        for use in uses:
            if use.member == "":
                found = defs.members(here, use.name)
            else:
                found = defs.resolve(here, use.name, use.member)
            for f in found[:2]:
                if f.weight <= 0.6 and use.name in local_names and f.definition is not None \
                        and f.definition.name == use.name:
                    continue  # a local variable that happens to share a name
                for g in [f, *defs.related(f)]:
                    if g.key in seen or self._visible(g, doc, shown):
                        continue
                    seen.add(g.key)
                    out.append((g.weight / (1 + use.distance / 8), self._snippet(g)))
        return out

    def _snippet(self, f: Found) -> Snippet:
        return Snippet("definition", f.source.shown, f.line + 1, self.defs.text(f))

    @staticmethod
    def _visible(f: Found, doc: OpenDocument, shown: tuple[int, int]) -> bool:
        """Already in the prompt: a definition of this file inside the file window."""
        if f.source.path not in (doc.path, doc.uri) or f.definition is None:
            return f.source.path in (doc.path, doc.uri) and f.definition is None
        d = f.definition
        return d.line >= shown[0] and d.end_line <= shown[1]

    def _near(self, doc: OpenDocument, view: Lines, offset: int, line: int, here: Here,
              shown: tuple[int, int], stable: tuple[Snippet, ...], budget: int
              ) -> tuple[Snippet, ...]:
        start = view.start(offset)
        uses = self._uses_in(view, start, view.end(offset), line, line, doc.language)
        partial = _PARTIAL.search(view.slice(max(start, offset - 200), offset))
        candidates = self._definition_candidates(here, _dedupe(uses)[:MAX_NEAR_USES], shown,
                                                 doc)
        if partial is not None and partial.group(2) and len(partial.group(2)) >= 2:
            word = partial.group(2)
            found = self.defs.complete(here, word, partial.group(1), 3)
            candidates += [(0.5 * f.weight, self._snippet(f)) for f in found
                           if not self._visible(f, doc, shown)]
        taken = {(s.path, s.line) for s in stable}
        candidates = [(score, s) for score, s in candidates if (s.path, s.line) not in taken]
        return _ordered(fit(candidates, budget))

    def _edit_candidates(self, doc: OpenDocument, line: int) -> list[tuple[float, Snippet]]:
        def usable(uri: str) -> bool:
            other = self.docs.get(uri)
            return other is not None and other.usable

        current = self.history.latest(doc.uri)
        hunks = [h for h in self.history.recent(EDIT_LIMIT + 1, usable)
                 if not h.large and not (h is current and h.start - 1 <= line <= h.end)]
        out: list[tuple[float, Snippet]] = []
        for rank_, h in enumerate(reversed(hunks[-EDIT_LIMIT:])):
            other = self.docs.get(h.uri)
            if other is None:
                continue
            key = (h.uri, h.seq, h.old_start, other.shown)
            diff = self._diffs.get(key)
            if diff is None:
                if len(self._diffs) > 256:
                    self._diffs.clear()
                diff = self._diffs[key] = h.diff(other.shown)
            if not diff or diff.count("\n") > EDIT_MAX_LINES:
                continue
            out.append((1.5 - rank_ * 0.1, Snippet("edit", other.shown, 0, diff, seq=h.seq)))
        return out

    def _similar_candidates(self, doc: OpenDocument, view: Lines, offset: int
                            ) -> list[tuple[float, Snippet]]:
        spec = spec_for(doc.language)
        stop = spec.stop if spec is not None else frozenset()
        query = tokens(view.slice(view.back(offset, QUERY_LINES), view.start(offset)), stop)
        neighbours = sorted((d for d in self.docs if d is not doc and d.usable
                             and d.family == doc.family), key=lambda d: -d.touched)[:NEIGHBOURS]
        key = (query, tuple((d.uri, d.version, d.windows_text is d.text) for d in neighbours))
        cached = self._similar.get(doc.uri)
        if cached is not None and cached[0] == key:
            return cached[1]
        pool = []
        for other in neighbours:
            if other.large and not self.docs.windows_fresh(other):
                continue  # built off the loop while idle, used from the next request on
            pool.append((other.uri, other.text, self.docs.windows(other, stop)))
        out: list[tuple[float, Snippet]] = []
        for m in rank(query, pool, limit=SIMILAR_LIMIT):
            match = self.docs.get(m.uri)
            if match is not None:
                out.append((m.score, Snippet("similar", match.shown, m.line + 1,
                                             m.text.rstrip("\r\n"))))
        key = (query, tuple((d.uri, d.version, d.windows_text is d.text) for d in neighbours))
        self._similar[doc.uri] = (key, out)
        return out

    def forget(self, uri: str) -> None:
        self._stable.pop(uri, None)
        self._similar.pop(uri, None)


IMPORTED_DISTANCE = 60  # names a file imports count as used this far from the cursor
MAX_IMPORTED = 12


def _imported_uses(symbols: FileSymbols) -> list[_Use]:
    """What the file imports by name is what it uses: candidates after the nearby names."""
    out = []
    for imp in symbols.imports:
        if imp.alias and imp.name is not None and not imp.reexport:
            out.append(_Use(imp.alias, None, IMPORTED_DISTANCE))
            if len(out) >= MAX_IMPORTED:
                break
    return out


def _dedupe(uses: list[_Use]) -> list[_Use]:
    best: dict[tuple[str, str | None], _Use] = {}
    for use in uses:
        key = (use.name, use.member)
        if key not in best or use.distance < best[key].distance:
            best[key] = use
    return sorted(best.values(), key=lambda u: (u.distance, u.name, u.member or ""))

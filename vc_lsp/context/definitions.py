"""Definitions the code at the cursor needs: names resolved the way the language resolves them.

A name is looked up where its file says it comes from, in this order: an import that binds it
(following re-exports through ``__init__.py``, ``export ... from`` and ``pub use``, and default
exports), a definition in the file itself, a wildcard import, the file's own package (Go and
Java need no import for that), and finally any open document of the same language that defines
it, as a colleague would search the open tabs. A qualified use (``models.User``,
``store.New``, ``utils::parse``) resolves the member inside the module the qualifier names.
"""

from __future__ import annotations

import bisect
import os
import re
import time
from dataclasses import dataclass

from . import symbols as syms
from .documents import Documents, OpenDocument
from .resolve import Resolver
from .workspace import RECHECK_S, Source, Workspace

MAX_DEPTH = 3  # re-exports followed
_TYPE_NAME = re.compile(r"\b[A-Z][A-Za-z0-9_]*\b")
MAX_OPEN_MATCHES = 2  # definitions of one name taken from unrelated open documents
MAX_MEMBER_HOLDERS = 4  # a member name more documents define than this is too common to help
MAX_IMPORTS = 40


@dataclass(frozen=True, slots=True)
class Found:
    source: Source
    definition: syms.Definition | None  # None: the module itself, shown as an outline
    weight: float  # how sure we are this is the definition meant: 1 (import) .. 0.4

    @property
    def key(self) -> tuple[str, int]:
        return self.source.path, self.definition.start if self.definition else -1

    @property
    def line(self) -> int:
        return self.definition.line if self.definition else 0


@dataclass(slots=True)
class Here:
    """The file a request is about, as resolution needs it."""

    path: str | None
    family: str
    symbols: syms.FileSymbols | None
    bindings: dict[str, syms.Import]
    wildcards: list[syms.Import]
    uri: str = ""
    shown: str = ""


class Definitions:
    def __init__(self, docs: Documents, workspace: Workspace) -> None:
        self.docs = docs
        self.ws = workspace
        self.resolver = Resolver(workspace)
        self._sources_cache: tuple[object, list[Source]] = (None, [])
        self._files: dict[tuple[object, ...], tuple[float, list[str]]] = {}

    # -- entry points --------------------------------------------------------------------------

    def here(self, doc: OpenDocument, symbols: syms.FileSymbols | None) -> Here:
        imports = symbols.imports if symbols is not None else []
        return Here(doc.path, doc.family, symbols,
                    {imp.alias: imp for imp in imports if imp.alias},
                    [imp for imp in imports if imp.wildcard], doc.uri, doc.shown)

    def resolve(self, here: Here, name: str, member: str | None = None) -> list[Found]:
        """Where ``name`` (or ``name.member``, when ``name`` is a module) is defined."""
        imp = here.bindings.get(name)
        if imp is not None and here.path:
            found = self._imported(here, imp, member)
            if found:
                return found
        if here.symbols is not None and here.path:
            local = here.symbols.top(name)
            if local:
                source = Source(here.path, here.shown, here.symbols)
                return [Found(source, d, 0.9) for d in local[:2]]
        if here.path:
            for wildcard in here.wildcards:
                for source in self._module_sources(here, wildcard):
                    found = self._find(source, name, 0.85, MAX_DEPTH)
                    if found:
                        return found
            found = self._same_package(here, name)
            if found:
                return found
        found = self._open(here, name)
        if found or member == "" or not name[:1].islower():
            return found
        # ``order.`` with no type in sight: a colleague would look for ``Order``
        kind = _pascal(name)
        if kind == name or (kind not in here.bindings and not self.docs.defining(kind)):
            return []
        return [f for f in self.resolve(here, kind)
                if f.definition is not None and f.definition.kind in _TYPE_KINDS][:1]

    def members(self, here: Here, name: str) -> list[Found]:
        """``name`` as a method or field of some type in the imports or the open documents
        (only when few define it: a name every class has tells nothing)."""
        out: list[Found] = []
        for source in self._imported_sources(here):
            out += [Found(source, d, 0.55) for d in source.symbols.by_name.get(name, ())
                    if d.container]
        holders = self.docs.with_member(name)
        if len(holders) <= MAX_MEMBER_HOLDERS:
            out += self._open_members(here, name, sorted(holders))
        return _unique(out)[:MAX_OPEN_MATCHES]

    def complete(self, here: Here, partial: str, qualifier: str | None, limit: int
                 ) -> list[Found]:
        """Definitions whose name starts with ``partial``: what the user is typing."""
        out: list[Found] = []
        imp = here.bindings.get(qualifier) if qualifier is not None else None
        if imp is not None and imp.name is None and here.path:
            for source in self._module_sources(here, imp):
                out += [Found(source, d, 0.8) for d in source.symbols.definitions
                        if d.top_level and d.name.startswith(partial)]
            return _unique(out)[:limit]
        if qualifier is not None:
            for source in self._imported_sources(here):
                out += [Found(source, d, 0.5) for d in source.symbols.definitions
                        if d.container and d.name.startswith(partial)]
            for name in _prefixed(self._sorted_names(members=True), partial, limit * 4):
                holders = self.docs.with_member(name)
                if len(holders) <= MAX_MEMBER_HOLDERS:
                    out += self._open_members(here, name, sorted(holders))
            return _unique(out)[:limit]
        names = [alias for alias in here.bindings if alias.startswith(partial)]
        if here.symbols is not None:
            names += _prefixed(here.symbols.sorted_names(), partial)
        names += _prefixed(self._sorted_names(members=False), partial, limit * 4)
        for name in sorted(set(names), key=lambda n: (len(n), n)):
            out += self.resolve(here, name)[:1]
            if len(out) >= limit:
                break
        return _unique(out)[:limit]

    def _open_members(self, here: Here, name: str, uris: list[str]) -> list[Found]:
        out: list[Found] = []
        for uri in uris:
            doc = self.docs.get(uri)
            if doc is None or uri == here.uri or not doc.usable or doc.family != here.family \
                    or doc.symbols is None:
                continue
            source = Source(doc.path or uri, doc.shown, doc.symbols)
            out += [Found(source, d, 0.5) for d in doc.symbols.by_name.get(name, ())
                    if d.container]
        return out

    def _imported_sources(self, here: Here) -> list[Source]:
        """The files the current one imports (remembered per version of its imports)."""
        if not here.path:
            return []
        key = (here.path, id(here.symbols), self.ws.generation)
        if self._sources_cache[0] == key:
            return self._sources_cache[1]
        out: list[Source] = []
        seen: set[str] = set()
        for imp in list(here.bindings.values())[:MAX_IMPORTS]:
            for source in self._module_sources(here, imp):
                if source.path not in seen:
                    seen.add(source.path)
                    out.append(source)
        self._sources_cache = (key, out)
        return out

    def related(self, found: Found, limit: int = 3) -> list[Found]:
        """Types a function's signature names, from its own module: ``NewStore() *Store``
        needs ``Store``'s methods next."""
        d = found.definition
        if d is None or d.kind not in ("function", "method", "constant", "variable"):
            return []
        source = found.source
        symbols = source.symbols
        end = d.head_end if d.head_end > 0 else d.end
        signature = symbols.source[d.start:end].decode("utf-8", "replace")
        out: list[Found] = []
        for name in dict.fromkeys(_TYPE_NAME.findall(signature)):
            if name == d.name or name == d.container:
                continue
            hits = [Found(source, t, found.weight * 0.7) for t in symbols.top(name)
                    if t.kind not in ("function", "constant", "variable")]
            if not hits and _family(symbols.language) == "go":
                hits = [h for h in self._package_find(source.path, name)
                        if h.definition is not None and h.definition.kind == "type"]
            out += hits[:1]
            if len(out) >= limit:
                break
        return out

    def _package_find(self, path: str, name: str) -> list[Found]:
        for file in self.resolver.go_package(os.path.dirname(path)):
            other = self.ws.source(file)
            if other is not None and other.symbols.top(name):
                return [Found(other, d, 0.6) for d in other.symbols.top(name)[:1]]
        return []

    def text(self, found: Found) -> str:
        """The snippet for a definition (cached on its file's symbols)."""
        symbols = found.source.symbols
        d = found.definition
        key = (d.start, d.end) if d is not None else (-1, -1)
        cached = symbols.texts.get(key)
        if cached is not None:
            return cached
        if d is None:
            text = syms.outline(symbols)
        else:
            extra = self._outside_members(found) if d.top_level else None
            text = syms.summary(symbols, d, extra_members=extra)
            holder = _container(symbols, d)
            if holder is not None:
                head = syms.header(symbols, holder)
                text = head + "\n" + text + ("\n}" if head.endswith("{") else "")
        symbols.texts[key] = text
        return text

    # -- resolution steps ----------------------------------------------------------------------

    def _imported(self, here: Here, imp: syms.Import, member: str | None) -> list[Found]:
        if imp.name is None:  # the module is bound: ``import x``, ``import * as x``, Go, Rust
            sources = self._module_sources(here, imp)
            if member:
                for source in sources:
                    found = self._find(source, member, 1.0, MAX_DEPTH)
                    if found:
                        return found
            return [Found(s, None, 0.7) for s in sources[:1]]
        return self._member_of(here.path or "", here.family, imp, 1.0, MAX_DEPTH,
                               here_symbols=here.symbols)

    def _member_of(self, path: str, family: str, imp: syms.Import, weight: float, depth: int,
                   here_symbols: syms.FileSymbols | None = None) -> list[Found]:
        """The definition an ``import {name}`` / ``from m import name`` / ``use m::name``
        brings in, seen from the file at ``path``."""
        assert imp.name is not None
        r = self.resolver
        if family == "rust":
            where = r.rust(path, [*imp.module.split("::"), imp.name] if imp.module
                           else [imp.name])
            if where is None:
                return []
            source = self.ws.source(where[0])
            if source is None:
                return []
            if not where[1]:
                return [Found(source, None, weight * 0.8)]
            return self._find(source, where[1][0], weight, depth)
        if family == "java":
            package = here_symbols.package if here_symbols is not None else ""
            qualified = f"{imp.module}.{imp.name}" if imp.module else imp.name
            where = r.java(path, package, qualified)
            if where is None:
                return []
            source = self.ws.source(where[0])
            if source is None:
                return []
            if where[1]:  # a member of the class: ``import static a.B.member``
                return [Found(source, d, weight) for d in
                        source.symbols.by_name.get(where[1][0], ())[:2]]
            return self._find(source, imp.name, weight, depth)
        for source in self._module_sources_at(path, family, imp):
            found = self._find(source, imp.name, weight, depth)
            if found:
                return found
        if family == "python":  # ``from pkg import module``
            sub = syms.Import(f"{imp.module}.{imp.name}" if imp.module else imp.name, None,
                              imp.alias, level=imp.level)
            for source in self._module_sources_at(path, family, sub):
                return [Found(source, None, weight * 0.8)]
        return []

    def _find(self, source: Source, name: str, weight: float, depth: int) -> list[Found]:
        """``name`` defined in ``source``, or re-exported by it."""
        symbols = source.symbols
        if name == "default" and symbols.default:
            name = symbols.default
        found = symbols.top(name)
        if found:
            return [Found(source, d, weight) for d in found[:2]]
        if depth <= 0:
            return []
        family = _family(symbols.language)
        for imp in symbols.imports:
            reexports = imp.reexport or family == "python"  # any import binds a module name
            if not reexports:
                continue
            if imp.alias == name and not imp.wildcard:
                if imp.name is None:
                    return [Found(s, None, weight * 0.8)
                            for s in self._module_sources_at(source.path, family, imp)[:1]]
                hit = self._member_of(source.path, family, imp, weight * 0.95, depth - 1,
                                      here_symbols=symbols)
                if hit:
                    return hit
        for imp in symbols.imports:
            if imp.wildcard and (imp.reexport or family == "python"):
                for sub in self._module_sources_at(source.path, family, imp):
                    hit = self._find(sub, name, weight * 0.95, depth - 1)
                    if hit:
                        return hit
        return []

    def _module_sources(self, here: Here, imp: syms.Import) -> list[Source]:
        return self._module_sources_at(here.path or "", here.family, imp,
                                       here_symbols=here.symbols)

    def _module_sources_at(self, path: str, family: str, imp: syms.Import,
                           here_symbols: syms.FileSymbols | None = None) -> list[Source]:
        """The sources that make up the module ``imp`` names, seen from ``path``."""
        package = here_symbols.package if here_symbols is not None else ""
        key = (os.path.dirname(path), family, imp.module, imp.name, imp.level, imp.wildcard,
               package)
        now = time.monotonic()
        cached = self._files.get(key)
        if cached is not None and now - cached[0] < RECHECK_S:
            files = cached[1]
        else:
            files = self._module_files(path, family, imp, here_symbols)
            if len(self._files) > 4096:
                self._files.clear()
            self._files[key] = (now, files)
        out = []
        for file in files:
            source = self.ws.source(file)
            if source is not None:
                out.append(source)
        return out

    def _module_files(self, path: str, family: str, imp: syms.Import,
                      here_symbols: syms.FileSymbols | None) -> list[str]:
        r = self.resolver
        files: list[str] = []
        if family == "python":
            files = r.python(path, imp.module, imp.level)
        elif family == "javascript":
            files = r.javascript(path, imp.module)
        elif family == "go":
            files = r.go(path, imp.module)
        elif family == "rust":
            segments = [s for s in imp.module.split("::") if s]
            if imp.name is not None and not imp.wildcard:
                segments.append(imp.name)
            where = r.rust(path, segments)
            files = [where[0]] if where is not None and not where[1] else []
        elif family == "java":
            package = here_symbols.package if here_symbols is not None else ""
            if imp.wildcard and imp.level == 0:
                folder = r.java_package(path, package, imp.module)
                files = [os.path.join(folder, n) for n in self.ws.listdir(folder)
                         if n.endswith(".java")]
            else:
                where = r.java(path, package, imp.module)
                files = [where[0]] if where is not None else []
        return files

    def _same_package(self, here: Here, name: str) -> list[Found]:
        if not here.path:
            return []
        folder = os.path.dirname(here.path)
        if here.family == "go":
            tests = here.path.endswith("_test.go")
            for file in self.resolver.go_package(folder, tests=tests):
                if file == here.path:
                    continue
                source = self.ws.source(file)
                if source is not None and source.symbols.top(name):
                    return self._find(source, name, 0.9, 0)
        elif here.family == "java":
            source = self.ws.source(os.path.join(folder, name + ".java"))
            if source is not None:
                return self._find(source, name, 0.9, 0)
        return []

    def _open(self, here: Here, name: str) -> list[Found]:
        """``name`` defined at the top level of other open documents of the same family."""
        out: list[Found] = []
        for uri in sorted(self.docs.defining(name))[:16]:
            doc = self.docs.get(uri)
            if doc is None or uri == here.uri or not doc.usable or doc.family != here.family:
                continue
            symbols = doc.symbols
            if symbols is None:
                continue
            source = Source(doc.path or uri, doc.shown, symbols)
            out += [Found(source, d, 0.6) for d in symbols.top(name)[:1]]
        if len(out) > MAX_OPEN_MATCHES:
            base = os.path.dirname(here.path or "")
            out.sort(key=lambda f: (-_shared_folders(base, f.source.path), f.source.path))
            out = out[:MAX_OPEN_MATCHES]
        return out

    def _sorted_names(self, *, members: bool) -> list[str]:
        return self.docs.sorted_members if members else self.docs.sorted_names

    def _outside_members(self, found: Found) -> list[syms.Definition] | None:
        """Go methods (any file of the package) and Rust ``impl`` methods of a type."""
        d = found.definition
        symbols = found.source.symbols
        if d is None or _family(symbols.language) not in ("go", "rust"):
            return None
        members = list(symbols.members.get(d.name, ()))
        if _family(symbols.language) == "go":
            folder = os.path.dirname(found.source.path)
            for file in self.resolver.go_package(folder):
                if file == found.source.path:
                    continue
                other = self.ws.source(file)
                if other is not None:
                    members += [m for m in other.symbols.members.get(d.name, ())]
        return members or None


def _family(language: str) -> str:
    from .languages import family_of

    return family_of(language)


def _container(symbols: syms.FileSymbols, d: syms.Definition) -> syms.Definition | None:
    """The class or interface a method or field was found in (to name it in the snippet)."""
    if not d.container or _family(symbols.language) in ("go", "rust"):
        return None
    for holder in symbols.by_name.get(d.container, ()):
        if holder.start <= d.start < holder.end:
            return holder
    return None


_TYPE_KINDS = frozenset({"class", "interface", "struct", "enum", "trait", "type"})


def _pascal(name: str) -> str:
    """``user_repo`` and ``userRepo`` -> ``UserRepo``."""
    return "".join(part[:1].upper() + part[1:] for part in name.split("_") if part)


def _shared_folders(a: str, b: str) -> int:
    count = 0
    for x, y in zip(a.split(os.sep), os.path.dirname(b).split(os.sep), strict=False):
        if x != y:
            break
        count += 1
    return count


def _prefixed(names: list[str], partial: str, limit: int | None = None) -> list[str]:
    """The first ``limit`` (all, if None) of the sorted ``names`` that start with ``partial``."""
    at = bisect.bisect_left(names, partial)
    out: list[str] = []
    while at < len(names) and names[at].startswith(partial) and (limit is None
                                                                or len(out) < limit):
        out.append(names[at])
        at += 1
    return out


def _unique(found: list[Found]) -> list[Found]:
    seen: set[tuple[str, int]] = set()
    out = []
    for f in found:
        if f.key not in seen:
            seen.add(f.key)
            out.append(f)
    return out

"""One file's definitions and imports, read with tree-sitter, and the summaries shown for them.

``index(language, text)`` parses once and keeps only plain records (names, kinds, byte ranges,
imports); the tree is handed back for incremental re-parsing but nothing here needs it later.
A summary is what a colleague would paste into a chat to explain an API: the signature and doc
comment of a long function, the members of a class with their bodies elided, a short definition
whole. Offsets are UTF-8 bytes, as tree-sitter reports them.

A large file is read on a worker thread (``context/reader.py``), and py-tree-sitter holds the
GIL for the whole of each call into C: a 100,000-line parse (~450 ms) or one query over the
whole tree (~200 ms) would stop the event loop as surely as running there. So ``parse`` with
``stop`` reads through a progress callback (every hundred parser steps is a point where the
loop can take the GIL, and where ``stop`` cancels), and ``index`` runs its queries over about
``CHUNK_BYTES`` of top-level nodes at a time. Ranges cannot cut patterns anchored at the root
(``(module (function_definition ...))``: the cursor keeps them going to the end of the file),
so those patterns run without their root, from depth 1, apart from the others.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .. import syntax
from .languages import Spec, spec_for

if TYPE_CHECKING:
    from tree_sitter import Node, Query, Tree

CHUNK_BYTES = 32 * 1024  # of top-level nodes per query call when indexing (the GIL is held)
READ_BYTES = 64 * 1024  # per read callback of a parse that can be stopped
SHORT_LINES = 10  # a function this short is shown whole
SHORT_TYPE_LINES = 24  # a class, struct or interface this short is shown whole
MAX_SUMMARY_LINES = 40
MAX_LEADING_LINES = 8  # doc comments and attributes taken along with a definition
_MEMBER_KINDS = frozenset({"method", "field"})
_TYPE_KINDS = frozenset({"class", "interface", "struct", "enum", "trait", "module", "type"})
_GENERICS = re.compile(r"<.*>|\[.*\]")


@dataclass(frozen=True, slots=True)
class Definition:
    name: str
    kind: str  # function, method, class, interface, struct, enum, trait, type, constant, ...
    container: str  # class, impl type or receiver type for members; "" at the top level
    start: int  # bytes, leading doc comments and attributes included
    end: int
    line: int  # 0-based line of ``start``
    end_line: int
    head_end: int  # where a summary elides the body (-1: nothing to elide)
    body_start: int  # where the members of a type start (-1: not a type with a body)
    lead: str = ""  # text a grouped Go declaration needs in front ("const ", "type ")
    group: str = ""  # Rust: the ``impl ...`` header a method belongs to

    @property
    def top_level(self) -> bool:
        return not self.container


@dataclass(frozen=True, slots=True)
class Import:
    """One name an import statement binds in a file."""

    module: str  # as written: "app.models", "./mod", "example.com/x/y", "crate::a", "a.b"
    name: str | None  # the member imported; None when the module itself is bound
    alias: str  # the local name; "" for a wildcard
    level: int = 0  # Python: leading dots of a relative import
    wildcard: bool = False
    reexport: bool = False  # visible to importers of this file (export ... from, pub use)


@dataclass(slots=True)
class FileSymbols:
    language: str
    source: bytes
    definitions: list[Definition]
    imports: list[Import]
    package: str = ""  # Go package name, Java package
    default: str = ""  # JavaScript: the name behind ``export default``
    by_name: dict[str, list[Definition]] = field(default_factory=dict)
    members: dict[str, list[Definition]] = field(default_factory=dict)
    texts: dict[tuple[int, int], str] = field(default_factory=dict)  # summaries, once made
    _scopes: list[tuple[int, int]] | None = None
    _names: list[str] | None = None

    def __post_init__(self) -> None:
        for d in self.definitions:
            self.by_name.setdefault(d.name, []).append(d)
            if d.container:
                self.members.setdefault(d.container, []).append(d)

    def scopes(self) -> list[tuple[int, int]]:
        """Line ranges of functions, methods and types, by first line (made once)."""
        if self._scopes is None:
            self._scopes = sorted({(d.line, d.end_line) for d in self.definitions
                                   if d.kind not in ("constant", "variable", "field")})
        return self._scopes

    def sorted_names(self) -> list[str]:
        """Every name defined here, sorted (made once): a prefix search over a large file's
        names must not read them all at every keystroke."""
        if self._names is None:
            self._names = sorted(self.by_name)
        return self._names

    def top(self, name: str) -> list[Definition]:
        return [d for d in self.by_name.get(name, ()) if d.top_level]

    def bindings(self) -> dict[str, Import]:
        return {imp.alias: imp for imp in self.imports if imp.alias}


class Stopped(Exception):
    """A read that can be stopped was told to stop (its document closed, the server ends)."""


@dataclass(frozen=True, slots=True)
class _Queries:
    """One spec's query, cut for reading a file a range at a time (``whole``: it could not be
    cut, and runs over the whole tree in one call)."""

    top: Query | None  # the patterns anchored at the root, without it: they start at depth 1
    nested: Query | None  # the others, starting at depth 4 at most (as the whole query did)
    whole: Query | None = None


_queries: dict[str, _Queries] = {}


def _query(spec: Spec, language_id: str) -> _Queries | None:
    key = syntax.canonical(language_id)
    if key in _queries:
        return _queries[key]
    grammar = syntax.language(key)
    if grammar is None:
        return None
    from tree_sitter import Parser, Query

    root = Parser(grammar).parse(b"").root_node.type
    cut = split_query(spec.query, root)
    if cut is None:
        made = _Queries(None, None, Query(grammar, spec.query))
    else:
        top, nested = cut
        made = _Queries(Query(grammar, top) if top.strip() else None,
                        Query(grammar, nested) if nested.strip() else None)
    _queries[key] = made
    return made


def split_query(query: str, root: str) -> tuple[str, str] | None:
    """The patterns of ``query`` anchored at a ``root`` node, each without it, and the other
    patterns; ``None`` when a root pattern is anything but one child pattern in the root (it
    would not mean the same without it)."""
    top: list[str] = []
    nested: list[str] = []
    rooted = re.compile(r"\(\s*" + re.escape(root) + r"(?![\w.])(.*)\)$", re.DOTALL)
    for pattern in _patterns(query):
        if not re.match(r"\(\s*" + re.escape(root) + r"(?![\w.])", pattern):
            nested.append(pattern)
            continue
        inner = rooted.match(pattern)
        parts = _patterns(inner.group(1)) if inner is not None else []
        if inner is None or len(parts) != 1 or inner.group(1).strip()[:1] != "(":
            return None
        top.append(parts[0])
    return "\n".join(top), "\n".join(nested)


def _patterns(query: str) -> list[str]:
    """The top-level patterns of a query's text, each with what follows it (captures,
    quantifiers), without ``;`` comments (strings are kept whole)."""
    out: list[str] = []
    text: list[str] = []
    depth, i, n = 0, 0, len(query)
    while i < n:
        c = query[i]
        if c == ";":
            end = query.find("\n", i)
            i = n if end < 0 else end
            continue
        if c == '"':
            end = i + 1
            while end < n and query[end] != '"':
                end += 2 if query[end] == "\\" else 1
            text.append(query[i:end + 1])
            i = end + 1
            continue
        if c in "([":
            if depth == 0 and "".join(text).strip():
                out.append("".join(text).strip())
                text = []
            depth += 1
        elif c in ")]":
            depth -= 1
        text.append(c)
        i += 1
    if "".join(text).strip():
        out.append("".join(text).strip())
    return out


def parse(language_id: str, source: bytes, old: Tree | None = None, *,
          stop: Callable[[], bool] | None = None) -> Tree | None:
    """``stop``: read through callbacks (points where other threads take the GIL), on a
    parser of its own, and raise ``Stopped`` as soon as it says so."""
    p = syntax.parser(language_id)
    if p is None:
        return None
    if stop is None:
        return p.parse(source, old) if old is not None else p.parse(source)

    def read(offset: int, _point: tuple[int, int]) -> bytes:
        return source[offset:offset + READ_BYTES]  # bytes, never a memoryview

    def progress(_offset: int, _has_error: bool) -> bool:
        return stop()

    try:
        tree = p.parse(read, old, progress_callback=progress) if old is not None else \
            p.parse(read, progress_callback=progress)
    except ValueError:  # how py-tree-sitter says that the callback cancelled the parse
        if stop():
            raise Stopped from None
        raise
    if stop():
        raise Stopped
    return tree


def index(language_id: str, source: bytes, tree: Tree | None = None, *,
          stop: Callable[[], bool] | None = None) -> FileSymbols | None:
    """Definitions and imports of one file; ``None`` for a language without a spec or grammar.
    ``stop`` is asked between ranges of the file: ``Stopped`` is raised when it says so."""
    spec = spec_for(language_id)
    if spec is None:
        return None
    queries = _query(spec, language_id)
    if queries is None:
        return None
    if tree is None:
        tree = parse(language_id, source, stop=stop)
        if tree is None:
            return None
    seen: set[int] = set()
    definitions: list[Definition] = []
    for caps in _matches(queries, tree, stop):
        kind, node = next(((k[4:], v[0]) for k, v in caps.items() if k.startswith("def.")),
                          ("", None))
        names = caps.get("name")
        if node is None or not names:
            continue
        spec_node = caps.get("spec", [None])[0]
        key = (spec_node or node).id
        if key in seen:
            continue
        seen.add(key)
        body = caps.get("body", [None])[0]
        made = _definition(spec, source, node, names[0], kind, body, spec_node)
        if made is not None:
            definitions.append(made)
    definitions.sort(key=lambda d: d.start)
    root = tree.root_node
    imports, package = _IMPORTS[spec.family](root, source)
    default = _default_export(root, source) if spec.family in ("javascript", "typescript") \
        else ""
    return FileSymbols(syntax.canonical(language_id), source, definitions, imports, package,
                       default)


def _matches(queries: _Queries, tree: Tree, stop: Callable[[], bool] | None
             ) -> Iterator[dict[str, list[Node]]]:
    """Every match's captures, a range of top-level nodes at a time (see the docstring)."""
    from tree_sitter import QueryCursor

    root = tree.root_node
    if queries.whole is not None:
        cursor = QueryCursor(queries.whole)
        cursor.set_max_start_depth(4)
        for _pattern, caps in cursor.matches(root):
            yield caps
        return
    cursors = []
    for query, depth in ((queries.top, 1), (queries.nested, 4)):
        if query is not None:
            cursor = QueryCursor(query)
            cursor.set_max_start_depth(depth)
            cursors.append(cursor)
    for start, end in _ranges(root, CHUNK_BYTES):
        if stop is not None and stop():
            raise Stopped
        for cursor in cursors:
            cursor.set_byte_range(start, end)
            for _pattern, caps in cursor.matches(root):
                yield caps


def _ranges(root: Node, size: int) -> Iterator[tuple[int, int]]:
    """Byte ranges of about ``size``, each a run of whole top-level nodes, covering the root
    (a cursor walks the nodes: a list of 100,000 of them is made in one call holding the GIL)."""
    start = end = root.start_byte
    walk = root.walk()
    more = walk.goto_first_child()
    while more:
        child_end = walk.node.end_byte if walk.node is not None else end
        if child_end - start > size and end > start:
            yield start, end
            start = end
        end = child_end
        more = walk.goto_next_sibling()
    yield start, max(end, root.end_byte)


def _named(root: Node) -> Iterator[Node]:
    """The root's named children one at a time (see ``_ranges``)."""
    walk = root.walk()
    more = walk.goto_first_child()
    while more:
        node = walk.node
        if node is not None and node.is_named:
            yield node
        more = walk.goto_next_sibling()


def _default_export(root: Node, source: bytes) -> str:
    for child in _named(root):
        if child.type != "export_statement" or not any(
                c.type == "default" for c in child.children):
            continue
        target = child.child_by_field_name("declaration") or child.child_by_field_name("value")
        if target is None:
            return ""
        if target.type == "identifier":
            return _text(source, target)
        return _text(source, target.child_by_field_name("name"))
    return ""


def _text(source: bytes, node: Node | None) -> str:
    if node is None:
        return ""
    return source[node.start_byte:node.end_byte].decode("utf-8", "replace")


def _definition(spec: Spec, source: bytes, node: Node, name_node: Node, kind: str,
                body: Node | None, spec_node: Node | None) -> Definition | None:
    name = _text(source, name_node)
    if not name or not name_node.is_named:
        return None
    container = _container(spec, source, node)
    if spec.family == "javascript" and kind == "function" and node.type == "expression_statement":
        target = node.named_children[0].child_by_field_name("left") if node.named_children \
            else None
        obj = target.child_by_field_name("object") if target is not None else None
        if obj is None or _text(source, obj) not in ("exports", "module.exports"):
            return None  # ``a.b = ...`` somewhere is not a definition; ``exports.b = ...`` is
    lead, group = "", ""
    target = node
    if spec_node is not None and node.named_child_count > 1:
        target = spec_node  # one spec of ``const ( ... )``: show it alone, keyword in front
        lead = {"const_declaration": "const ", "var_declaration": "var ",
                "type_declaration": "type "}.get(node.type, "")
    start = _leading_start(spec, target)
    head_end = body_start = -1
    if body is not None:
        if kind in _TYPE_KINDS:
            body_start = body.start_byte
            if spec.family == "python" and _head_end(spec, body) != body.start_byte:
                head_end = _head_end(spec, body)  # the class header keeps its docstring
        else:
            head_end = _head_end(spec, body)
    if spec.family == "go" and kind == "method":
        container = _receiver_type(source, node)
    if spec.family == "rust" and container:
        impl = _ancestor(node, frozenset({"impl_item", "trait_item"}))
        impl_body = impl.child_by_field_name("body") if impl is not None else None
        if impl is not None and impl_body is not None:
            group = " ".join(_decode(source, impl.start_byte, impl_body.start_byte).split())
    if kind == "method" and not container:
        kind = "function"
    line = target.start_point[0] - source.count(b"\n", start, target.start_byte)
    return Definition(name=name, kind=kind, container=container, start=start,
                      end=target.end_byte, line=line, end_line=target.end_point[0],
                      head_end=head_end, body_start=body_start, lead=lead, group=group)


def _leading_start(spec: Spec, node: Node) -> int:
    """Where the definition's doc comments and attributes start (adjacent lines only)."""
    start = node.start_byte
    row = node.start_point[0]
    first = row
    prev = node.prev_named_sibling
    while prev is not None and prev.type in spec.leading and prev.end_point[0] >= row - 1 \
            and first - prev.start_point[0] <= MAX_LEADING_LINES:
        start, row = prev.start_byte, prev.start_point[0]
        prev = prev.prev_named_sibling
    return start


def _head_end(spec: Spec, body: Node) -> int:
    """Where a long function's summary stops: the body's start, after a Python docstring."""
    if spec.family == "python":
        first = body.named_children[0] if body.named_child_count else None
        if first is not None and first.type == "expression_statement" and \
                first.named_child_count and first.named_children[0].type == "string":
            return first.end_byte
    return body.start_byte


def _ancestor(node: Node, types: frozenset[str]) -> Node | None:
    parent = node.parent
    while parent is not None:
        if parent.type in types:
            return parent
        parent = parent.parent
    return None


def _container(spec: Spec, source: bytes, node: Node) -> str:
    holder = _ancestor(node, spec.containers)
    if holder is None:
        return ""
    name = holder.child_by_field_name("name")
    if holder.type == "impl_item":
        name = holder.child_by_field_name("type")
    return _bare_type(_text(source, name))


def _bare_type(text: str) -> str:
    """``Store<T>``, ``*Store``, ``crate::a::Store`` -> ``Store``."""
    text = _GENERICS.sub("", text).strip().lstrip("*&").strip()
    return text.rsplit("::", 1)[-1].rsplit(".", 1)[-1]


def _receiver_type(source: bytes, method: Node) -> str:
    receiver = method.child_by_field_name("receiver")
    for param in receiver.named_children if receiver is not None else ():
        kind = param.child_by_field_name("type")
        if kind is not None:
            return _bare_type(_text(source, kind))
    return ""


# -- imports, per family ----------------------------------------------------------------------


def _python_imports(root: Node, source: bytes) -> tuple[list[Import], str]:
    out: list[Import] = []

    def visit(node: Node, depth: int) -> None:
        for child in _named(node):
            if child.type == "import_statement":
                for item in child.children_by_field_name("name"):
                    if item.type == "aliased_import":
                        module = _text(source, item.child_by_field_name("name"))
                        out.append(Import(module, None, _text(source,
                                                              item.child_by_field_name("alias"))))
                    else:
                        module = _text(source, item)
                        out.append(Import(module, None, module))
            elif child.type == "import_from_statement":
                out.extend(_python_from(child, source))
            elif depth < 2 and child.type in ("if_statement", "try_statement", "block",
                                              "else_clause", "except_clause", "elif_clause",
                                              "finally_clause"):
                visit(child, depth + 1)

    visit(root, 0)
    return out, ""


def _python_from(node: Node, source: bytes) -> list[Import]:
    module_node = node.child_by_field_name("module_name")
    level, module = 0, ""
    if module_node is not None and module_node.type == "relative_import":
        for part in module_node.named_children:
            if part.type == "import_prefix":
                level = _text(source, part).count(".")
            else:
                module = _text(source, part)
    else:
        module = _text(source, module_node)
    out: list[Import] = []
    if any(c.type == "wildcard_import" for c in node.named_children):
        out.append(Import(module, None, "", level=level, wildcard=True))
    for item in node.children_by_field_name("name"):
        if item.type == "aliased_import":
            name = _text(source, item.child_by_field_name("name"))
            alias = _text(source, item.child_by_field_name("alias"))
        else:
            name = alias = _text(source, item)
        out.append(Import(module, name, alias, level=level))
    return out


def _string_value(source: bytes, node: Node | None) -> str:
    text = _text(source, node)
    return text[1:-1] if len(text) >= 2 and text[0] in "'\"`" else text


def _js_imports(root: Node, source: bytes) -> tuple[list[Import], str]:
    out: list[Import] = []
    for child in _named(root):
        if child.type == "import_statement":
            src = _string_value(source, child.child_by_field_name("source"))
            for clause in child.named_children:
                if clause.type == "import_clause":
                    out.extend(_js_clause(clause, source, src))
        elif child.type == "export_statement" and child.child_by_field_name("source"):
            src = _string_value(source, child.child_by_field_name("source"))
            exported = next((c for c in child.named_children if c.type == "export_clause"),
                            None)
            namespace = next((c for c in child.named_children if c.type == "namespace_export"),
                             None)
            if exported is not None:
                for spec in exported.named_children:
                    name = _text(source, spec.child_by_field_name("name"))
                    alias = _text(source, spec.child_by_field_name("alias")) or name
                    out.append(Import(src, name, alias, reexport=True))
            elif namespace is not None:
                ident = namespace.named_children[-1] if namespace.named_children else None
                out.append(Import(src, None, _text(source, ident), reexport=True))
            else:
                out.append(Import(src, None, "", wildcard=True, reexport=True))
        elif child.type in ("lexical_declaration", "variable_declaration"):
            for declarator in child.named_children:
                out.extend(_js_require(declarator, source))
    return out, ""


def _js_clause(clause: Node, source: bytes, src: str) -> list[Import]:
    out: list[Import] = []
    for part in clause.named_children:
        if part.type == "identifier":
            out.append(Import(src, "default", _text(source, part)))
        elif part.type == "namespace_import":
            ident = part.named_children[-1] if part.named_children else None
            out.append(Import(src, None, _text(source, ident)))
        elif part.type == "named_imports":
            for spec in part.named_children:
                if spec.type != "import_specifier":
                    continue
                name = _text(source, spec.child_by_field_name("name"))
                alias = _text(source, spec.child_by_field_name("alias")) or name
                out.append(Import(src, name, alias))
    return out


def _js_require(declarator: Node, source: bytes) -> list[Import]:
    value = declarator.child_by_field_name("value")
    if value is None or value.type != "call_expression":
        return []
    function = value.child_by_field_name("function")
    args = value.child_by_field_name("arguments")
    if _text(source, function) != "require" or args is None or not args.named_children:
        return []
    src = _string_value(source, args.named_children[0])
    target = declarator.child_by_field_name("name")
    if target is None:
        return []
    if target.type == "identifier":
        return [Import(src, None, _text(source, target))]
    out: list[Import] = []
    for part in target.named_children:
        if part.type == "shorthand_property_identifier_pattern":
            name = _text(source, part)
            out.append(Import(src, name, name))
        elif part.type == "pair_pattern":
            out.append(Import(src, _text(source, part.child_by_field_name("key")),
                              _text(source, part.child_by_field_name("value"))))
    return out


_GO_VERSION = re.compile(r"v\d+")


def go_package_alias(path: str) -> str:
    """The name an import of ``path`` binds by default: its last element, minus a version."""
    parts = [p for p in path.split("/") if p]
    if len(parts) > 1 and _GO_VERSION.fullmatch(parts[-1]):
        parts.pop()
    last = re.sub(r"\.v\d+$", "", parts[-1] if parts else path)
    return last.replace("-", "_").replace(".", "_")


def _package_and_imports(root: Node, source: bytes, package_type: str,
                         imports: Callable[[Node], Iterator[Import]]) -> tuple[list[Import], str]:
    """Go and Java: a package line, then import declarations (``imports`` reads one)."""
    out: list[Import] = []
    package = ""
    for child in _named(root):
        if child.type == package_type:
            package = _text(source, child.named_children[0]) if child.named_children else ""
        elif child.type == "import_declaration":
            out.extend(imports(child))
    return out, package


def _go_imports(root: Node, source: bytes) -> tuple[list[Import], str]:
    def imports(decl: Node) -> Iterator[Import]:
        specs = [c for c in decl.named_children if c.type == "import_spec"]
        for group in decl.named_children:
            if group.type == "import_spec_list":
                specs.extend(c for c in group.named_children if c.type == "import_spec")
        for spec in specs:
            path = _string_value(source, spec.child_by_field_name("path"))
            name = spec.child_by_field_name("name")
            if name is not None and name.type == "dot":
                yield Import(path, None, "", wildcard=True)
            elif name is None or name.type != "blank_identifier":
                alias = _text(source, name) if name is not None else go_package_alias(path)
                yield Import(path, None, alias)
    return _package_and_imports(root, source, "package_clause", imports)


def _rust_imports(root: Node, source: bytes) -> tuple[list[Import], str]:
    out: list[Import] = []
    for child in _named(root):
        if child.type == "use_declaration":
            public = any(c.type == "visibility_modifier" for c in child.named_children)
            argument = child.child_by_field_name("argument")
            if argument is not None:
                for segments, alias, wildcard in _rust_use(argument, source, []):
                    if wildcard:
                        out.append(Import("::".join(segments), None, "", wildcard=True,
                                          reexport=public))
                    elif segments:
                        out.append(Import("::".join(segments[:-1]), segments[-1],
                                          alias or segments[-1], reexport=public))
        elif child.type == "mod_item" and child.child_by_field_name("body") is None:
            name = _text(source, child.child_by_field_name("name"))
            out.append(Import("self", name, name))
    return out, ""


def _rust_path(node: Node, source: bytes) -> list[str]:
    if node.type == "scoped_identifier":
        path = node.child_by_field_name("path")
        name = node.child_by_field_name("name")
        return (_rust_path(path, source) if path is not None else []) + [_text(source, name)]
    return [_text(source, node)]


def _rust_use(node: Node, source: bytes, prefix: list[str]
              ) -> list[tuple[list[str], str, bool]]:
    kind = node.type
    if kind in ("scoped_identifier", "identifier", "crate", "super", "metavariable"):
        return [(prefix + _rust_path(node, source), "", False)]
    if kind == "self":
        return [(prefix, prefix[-1] if prefix else "", False)] if prefix else []
    if kind == "use_as_clause":
        path = node.child_by_field_name("path")
        alias = _text(source, node.child_by_field_name("alias"))
        segments = prefix + (_rust_path(path, source) if path is not None else [])
        return [(segments, alias, False)]
    if kind == "use_wildcard":
        inner = node.named_children[0] if node.named_children else None
        return [(prefix + (_rust_path(inner, source) if inner is not None else []), "", True)]
    if kind == "scoped_use_list":
        path = node.child_by_field_name("path")
        items = node.child_by_field_name("list")
        base = prefix + (_rust_path(path, source) if path is not None else [])
        return _rust_use(items, source, base) if items is not None else []
    if kind == "use_list":
        out: list[tuple[list[str], str, bool]] = []
        for item in node.named_children:
            out.extend(_rust_use(item, source, prefix))
        return out
    return []


def _java_imports(root: Node, source: bytes) -> tuple[list[Import], str]:
    def imports(decl: Node) -> Iterator[Import]:
        path_node = next((c for c in decl.named_children
                          if c.type in ("scoped_identifier", "identifier")), None)
        path = _text(source, path_node)
        level = 1 if _text(source, decl).split(None, 2)[1:2] == ["static"] else 0
        if any(c.type == "asterisk" for c in decl.named_children):
            yield Import(path, None, "", wildcard=True, level=level)
        else:
            module, _, name = path.rpartition(".")
            yield Import(module, name, name, level=level)
    return _package_and_imports(root, source, "package_declaration", imports)


_IMPORTS = {"python": _python_imports, "javascript": _js_imports, "typescript": _js_imports,
            "go": _go_imports, "rust": _rust_imports, "java": _java_imports}


# -- summaries --------------------------------------------------------------------------------


def _decode(source: bytes, start: int, end: int) -> str:
    return source[start:end].decode("utf-8", "replace")


def _line_start(source: bytes, offset: int) -> int:
    """The start of ``offset``'s line when only indentation precedes it (kept), else itself."""
    start = source.rfind(b"\n", 0, offset) + 1
    return start if not source[start:offset].strip() else offset


def summary(symbols: FileSymbols, d: Definition, *, extra_members: list[Definition] | None = None
            ) -> str:
    """What the model sees for ``d``: whole when short, else its outline."""
    spec = spec_for(symbols.language)
    brace = spec is not None and spec.elision != "..."
    source = symbols.source
    lines = d.end_line - d.line + 1
    if d.body_start >= 0 and lines > SHORT_TYPE_LINES:
        members = [m for m in symbols.members.get(d.name, ())
                   if d.start <= m.start < d.end and m.container == d.name]
        text = _outline(symbols, d, members, brace)
    elif d.head_end >= 0 and d.body_start < 0 and lines > SHORT_LINES:
        text = _head(symbols, d, brace)
    else:
        text = d.lead + _decode(source, d.start if d.lead else _line_start(source, d.start),
                                d.end)
        text = _cap_lines(text, SHORT_TYPE_LINES if d.kind in _TYPE_KINDS else SHORT_LINES * 2)
    outside = [m for m in (extra_members or []) if not (d.start <= m.start < d.end)]
    if outside:
        text += "\n" + _outside_members(symbols, outside, brace)
    return _cap_lines(text, MAX_SUMMARY_LINES)


def _cap_lines(text: str, limit: int) -> str:
    lines = text.split("\n")
    if len(lines) <= limit:
        return text
    indent = re.match(r"[ \t]*", lines[limit - 1])
    return "\n".join([*lines[:limit - 1], (indent.group(0) if indent else "") + "..."])


def _indent_of(source: bytes, d: Definition) -> str:
    line = _decode(source, _line_start(source, d.start), d.start)
    return line[:len(line) - len(line.lstrip(" \t"))]


def _head(symbols: FileSymbols, m: Definition, brace: bool) -> str:
    """A function's signature (and Python docstring) with its body elided."""
    source = symbols.source
    head = _decode(source, _line_start(source, m.start), m.head_end).rstrip()
    if brace:
        return head + " { ... }"
    if head.endswith(":"):
        return head + " ..."
    return head + "\n" + _indent_of(source, m) + "    ..."


def _member_line(symbols: FileSymbols, m: Definition, brace: bool) -> str:
    if m.head_end >= 0 and m.body_start < 0:
        return _head(symbols, m, brace)
    source = symbols.source
    return _cap_lines(_decode(source, _line_start(source, m.start), m.end), 3)


def _outline(symbols: FileSymbols, d: Definition, members: list[Definition],
             brace: bool) -> str:
    """A long type: its header, its fields and its methods' signatures."""
    source = symbols.source
    head = _decode(source, _line_start(source, d.start),
                   max(d.body_start, d.head_end)).rstrip()
    if brace and not head.endswith("{"):
        head += " {"
    indent = _indent_of(source, d)
    parts = [d.lead + head, *(_member_line(symbols, m, brace) for m in members)]
    if not members:
        parts.append(indent + "    ...")
    if brace:
        parts.append(indent + "}")
    return "\n".join(parts)


def _outside_members(symbols: FileSymbols, members: list[Definition], brace: bool) -> str:
    """Methods declared apart from their type: Go receivers, Rust ``impl`` blocks."""
    out: list[str] = []
    group: str | None = None
    for m in members:
        if m.group != group:
            if group:
                out.append("}")
            if m.group:
                out.append(m.group + " {")
            group = m.group
        line = _member_line(symbols, m, brace)
        out.append("    " + line.lstrip() if m.group else line)
    if group:
        out.append("}")
    return "\n".join(out)


def header(symbols: FileSymbols, d: Definition) -> str:
    """A type's opening line(s), without comments: ``class Cart(Base):``, ``class Cart {``."""
    spec = spec_for(symbols.language)
    brace = spec is not None and spec.elision != "..."
    end = max(d.body_start, d.head_end) if d.body_start >= 0 else d.end
    text = d.lead + _decode(symbols.source, _line_start(symbols.source, d.start), end)
    lines = [x for x in text.rstrip().split("\n") if not _COMMENT_LINE.match(x)]
    head = "\n".join(lines)
    if brace and not head.endswith("{"):
        head += " {"
    return head


_COMMENT_LINE = re.compile(r"\s*(?://|#|/\*|\*|--)")


def outline(symbols: FileSymbols, limit: int = 30) -> str:
    """A module at a glance: each top-level definition's signature or first line."""
    spec = spec_for(symbols.language)
    brace = spec is not None and spec.elision != "..."
    out: list[str] = []
    for d in symbols.definitions:
        if not d.top_level:
            continue
        if d.head_end >= 0 and d.body_start < 0:
            lines = [x for x in _head(symbols, d, brace).split("\n")
                     if not _COMMENT_LINE.match(x)]
        else:
            start = d.start if d.lead else _line_start(symbols.source, d.start)
            text = d.lead + _decode(symbols.source, start, d.end)
            kept = [x for x in text.split("\n") if not _COMMENT_LINE.match(x)]
            lines = [kept[0] + (" ..." if len(kept) > 1 else "")] if kept else []
        out.extend(lines)
        if len(out) >= limit:
            out = [*out[:limit - 1], "..."]
            break
    return "\n".join(out)

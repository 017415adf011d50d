"""What the context engine knows per language: definition queries and how to summarise them.

Each family has one tree-sitter query whose patterns capture a definition (``@def.<kind>``), its
``@name`` and, where it has one, the ``@body`` that a summary replaces with an elision. Patterns
are anchored at the levels where definitions a colleague would look up live (module level, class
and impl bodies), so a query never walks into function bodies.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import syntax

_PYTHON = """
(module (function_definition name: (identifier) @name body: (_) @body) @def.function)
(module (decorated_definition
  definition: (function_definition name: (identifier) @name body: (_) @body)) @def.function)
(module (class_definition name: (identifier) @name body: (_) @body) @def.class)
(module (decorated_definition
  definition: (class_definition name: (identifier) @name body: (_) @body)) @def.class)
(module (expression_statement (assignment left: (identifier) @name)) @def.constant)
(class_definition body: (block
  (function_definition name: (identifier) @name body: (_) @body) @def.method))
(class_definition body: (block (decorated_definition
  definition: (function_definition name: (identifier) @name body: (_) @body)) @def.method))
(class_definition body: (block (expression_statement (assignment left: (identifier) @name))
  @def.field))
(class_definition body: (block
  (class_definition name: (identifier) @name body: (_) @body) @def.class))
"""

# Shared by JavaScript and TypeScript; top-level declarations, bare or exported.
_JS_DECLARATIONS = [
    "(function_declaration name: (_) @name body: (_) @body) @def.function",
    "(generator_function_declaration name: (_) @name body: (_) @body) @def.function",
    "(class_declaration name: (_) @name body: (_) @body) @def.class",
    "(lexical_declaration (variable_declarator name: (identifier) @name"
    " value: [(arrow_function body: (statement_block) @body)"
    " (function_expression body: (_) @body)])) @def.function",
    "(lexical_declaration (variable_declarator name: (identifier) @name)) @def.constant",
    "(variable_declaration (variable_declarator name: (identifier) @name)) @def.variable",
]
_TS_DECLARATIONS = [
    "(abstract_class_declaration name: (_) @name body: (_) @body) @def.class",
    "(interface_declaration name: (_) @name body: (_) @body) @def.interface",
    "(type_alias_declaration name: (_) @name) @def.type",
    "(enum_declaration name: (_) @name body: (_) @body) @def.enum",
    "(function_signature name: (_) @name) @def.function",
]
_JS_MEMBERS = """
(class_body (method_definition name: (_) @name body: (_) @body) @def.method)
(class_body (field_definition property: (_) @name) @def.field)
(program (expression_statement (assignment_expression
  left: (member_expression property: (property_identifier) @name)) @def.function))
"""
_TS_MEMBERS = """
(class_body (method_definition name: (_) @name body: (_) @body) @def.method)
(class_body (public_field_definition name: (_) @name) @def.field)
(class_body (method_signature name: (_) @name) @def.method)
(class_body (abstract_method_signature name: (_) @name) @def.method)
(interface_body (method_signature name: (_) @name) @def.method)
(interface_body (property_signature name: (_) @name) @def.field)
(program (expression_statement (internal_module name: (_) @name body: (_) @body)) @def.module)
(program (ambient_declaration (function_signature name: (_) @name)) @def.function)
(program (ambient_declaration (lexical_declaration (variable_declarator name: (identifier) @name)))
  @def.constant)
(program (ambient_declaration (class_declaration name: (_) @name body: (_) @body)) @def.class)
(program (ambient_declaration (interface_declaration name: (_) @name body: (_) @body))
  @def.interface)
"""


def _js_query(declarations: list[str], members: str) -> str:
    top = [f"(program {d})" for d in declarations]
    exported = []
    for d in declarations:
        node, _, kind = d.rpartition(" @def.")
        exported.append(f"(program (export_statement declaration: {node}) @def.{kind})")
    return "\n".join(top + exported) + members


_GO = """
(source_file (function_declaration name: (identifier) @name body: (_)? @body) @def.function)
(source_file (method_declaration name: (field_identifier) @name body: (_)? @body) @def.method)
(source_file (type_declaration (type_spec name: (type_identifier) @name) @spec) @def.type)
(source_file (type_declaration (type_alias name: (type_identifier) @name) @spec) @def.type)
(source_file (const_declaration (const_spec name: (identifier) @name) @spec) @def.constant)
(source_file (var_declaration (var_spec name: (identifier) @name) @spec) @def.variable)
"""

_RUST_ITEMS = [
    "(function_item name: (identifier) @name body: (_) @body) @def.function",
    "(struct_item name: (type_identifier) @name) @def.struct",
    "(enum_item name: (type_identifier) @name) @def.enum",
    "(union_item name: (type_identifier) @name) @def.struct",
    "(trait_item name: (type_identifier) @name body: (_) @body) @def.trait",
    "(type_item name: (type_identifier) @name) @def.type",
    "(const_item name: (identifier) @name) @def.constant",
    "(static_item name: (identifier) @name) @def.constant",
    "(macro_definition name: (identifier) @name) @def.macro",
    "(mod_item name: (identifier) @name body: (_) @body) @def.module",
]
_RUST_MEMBERS = """
(impl_item body: (declaration_list
  (function_item name: (identifier) @name body: (_) @body) @def.method))
(impl_item body: (declaration_list (const_item name: (identifier) @name) @def.constant))
(trait_item body: (declaration_list
  (function_item name: (identifier) @name body: (_) @body) @def.method))
(trait_item body: (declaration_list (function_signature_item name: (identifier) @name)
  @def.method))
"""


def _rust_query() -> str:
    top = [f"(source_file {item})" for item in _RUST_ITEMS]
    inline_mods = [f"(mod_item body: (declaration_list {item}))" for item in _RUST_ITEMS[:9]]
    return "\n".join(top + inline_mods) + _RUST_MEMBERS


_JAVA_TYPES = [
    "(class_declaration name: (identifier) @name body: (_) @body) @def.class",
    "(interface_declaration name: (identifier) @name body: (_) @body) @def.interface",
    "(enum_declaration name: (identifier) @name body: (_) @body) @def.enum",
    "(record_declaration name: (identifier) @name body: (_) @body) @def.class",
    "(annotation_type_declaration name: (identifier) @name body: (_) @body) @def.interface",
]
_JAVA_MEMBERS = """
(class_body (method_declaration name: (identifier) @name body: (_)? @body) @def.method)
(class_body (constructor_declaration name: (identifier) @name body: (_) @body) @def.method)
(class_body (field_declaration declarator: (variable_declarator name: (identifier) @name))
  @def.field)
(interface_body (method_declaration name: (identifier) @name body: (_)? @body) @def.method)
(interface_body (constant_declaration declarator: (variable_declarator name: (identifier) @name))
  @def.constant)
(enum_body (enum_constant name: (identifier) @name) @def.field)
(enum_body (enum_body_declarations
  (method_declaration name: (identifier) @name body: (_)? @body) @def.method))
"""


def _java_query() -> str:
    top = [f"(program {t})" for t in _JAVA_TYPES]
    nested = [f"(class_body {t})" for t in _JAVA_TYPES]
    return "\n".join(top + nested) + _JAVA_MEMBERS


@dataclass(frozen=True, slots=True)
class Spec:
    """How one language family is read."""

    family: str
    query: str
    functions: frozenset[str]  # node types whose body a summary elides
    containers: frozenset[str]  # node types that hold members (their name names the members)
    leading: frozenset[str]  # comments and attributes that belong to the next definition
    elision: str  # what replaces an elided body
    stop: frozenset[str]  # keywords and builtins that never need a definition


_COMMON_STOP = frozenset("""
if else elif for while do return break continue true false True False None null nil
undefined new delete this self Self super class struct enum interface trait type fn func
function def let var const static public private protected final abstract import export from
as in is not and or try catch except finally raise throw with yield await async lambda pass
case switch default match package module use mod impl pub mut ref where crate extends
implements instanceof typeof void int str string bool boolean float double char byte long
short uint usize isize i32 i64 u8 u32 u64 f32 f64 any unknown never object Object String
Number Boolean Array Map Set Promise List Dict Optional len print println printf fmt range
make append error err ok Ok Err Some Vec Box Option Result console log require exports
module args kwargs cls id key value item items data result i j k n x y z e v s t a b c f fn_
it get set add
""".split())  # noqa: SIM905

_PY_STOP = _COMMON_STOP | frozenset(
    ["dict", "list", "tuple", "isinstance", "getattr", "setattr", "hasattr"])

SPECS: dict[str, Spec] = {
    "python": Spec("python", _PYTHON, frozenset({"function_definition"}),
                   frozenset({"class_definition"}), frozenset({"comment"}), "...", _PY_STOP),
    "javascript": Spec(
        "javascript", _js_query(_JS_DECLARATIONS, _JS_MEMBERS),
        frozenset({"function_declaration", "generator_function_declaration", "method_definition",
                   "function_expression", "arrow_function"}),
        frozenset({"class_declaration", "class"}), frozenset({"comment"}), "{ ... }",
        _COMMON_STOP),
    "typescript": Spec(
        "typescript", _js_query(_JS_DECLARATIONS + _TS_DECLARATIONS, _TS_MEMBERS),
        frozenset({"function_declaration", "generator_function_declaration", "method_definition",
                   "function_expression", "arrow_function"}),
        frozenset({"class_declaration", "abstract_class_declaration", "interface_declaration",
                   "class"}),
        frozenset({"comment"}), "{ ... }", _COMMON_STOP),
    "go": Spec("go", _GO, frozenset({"function_declaration", "method_declaration", "func_literal"}),
               frozenset(), frozenset({"comment"}), "{ ... }", _COMMON_STOP),
    "rust": Spec("rust", _rust_query(), frozenset({"function_item"}),
                 frozenset({"impl_item", "trait_item"}),
                 frozenset({"line_comment", "block_comment", "attribute_item"}), "{ ... }",
                 _COMMON_STOP),
    "java": Spec("java", _java_query(),
                 frozenset({"method_declaration", "constructor_declaration"}),
                 frozenset({"class_declaration", "interface_declaration", "enum_declaration",
                            "record_declaration", "annotation_type_declaration"}),
                 frozenset({"line_comment", "block_comment"}), "{ ... }", _COMMON_STOP),
}

# LSP language id (canonical, see syntax.canonical) -> the spec that reads it.
FAMILY = {"python": "python", "javascript": "javascript", "javascriptreact": "javascript",
          "typescript": "typescript", "typescriptreact": "typescript", "go": "go",
          "rust": "rust", "java": "java"}

# File extension -> LSP language id, for files read from disk.
EXTENSIONS = {".py": "python", ".pyi": "python", ".js": "javascript", ".mjs": "javascript",
              ".cjs": "javascript", ".jsx": "javascriptreact", ".ts": "typescript",
              ".mts": "typescript", ".cts": "typescript", ".tsx": "typescriptreact",
              ".go": "go", ".rs": "rust", ".java": "java"}


def spec_for(language_id: str) -> Spec | None:
    family = FAMILY.get(syntax.canonical(language_id))
    return SPECS[family] if family else None


def family_of(language_id: str) -> str:
    """Documents that can use each other's code: JavaScript and TypeScript are one family."""
    key = syntax.canonical(language_id)
    family = FAMILY.get(key, key)
    return "javascript" if family == "typescript" else family


def language_of_path(path: str) -> str | None:
    dot = path.rfind(".")
    return EXTENSIONS.get(path[dot:].lower()) if dot >= 0 else None

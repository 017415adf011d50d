"""Where an import points: module specifiers to workspace files, per language.

Each language writes imports its own way, and each is resolved the way its toolchain does,
restricted to files inside the project (standard libraries and installed packages are left to
the model's own knowledge):

- Python: relative imports from the file's package, absolute ones from the top of its package,
  the workspace root and ``src/``; ``pkg/__init__.py`` for packages, ``.pyi`` stubs too.
- JavaScript/TypeScript: relative specifiers with the usual extensions and ``index`` files
  (``./x.js`` may be ``x.ts``), and ``compilerOptions.paths`` / ``baseUrl`` aliases from the
  nearest ``tsconfig.json`` or ``jsconfig.json``.
- Go: import paths under the module path in the nearest ``go.mod``; a package is every
  non-test ``.go`` file of its directory. The file's own package is its directory.
- Rust: ``crate::``, ``self::``, ``super::`` and ``mod`` declarations, ``a.rs`` or ``a/mod.rs``,
  the crate named in ``Cargo.toml`` as well as ``crate``.
- Java: the source root that the file's ``package`` implies, one class per file; the file's own
  package is its directory.
"""

from __future__ import annotations

import json
import os
import re

from .workspace import Workspace

_PY_EXTS = (".py", ".pyi")
_JS_EXTS = (".ts", ".tsx", ".d.ts", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts")
_JS_SWAP = {".js": (".ts", ".tsx"), ".jsx": (".tsx",), ".mjs": (".mts",), ".cjs": (".cts",)}
_GO_MODULE = re.compile(r"^\s*module\s+(\S+)", re.MULTILINE)
_CARGO_NAME = re.compile(r"^\s*\[(?:package|lib)\][^\[]*?^\s*name\s*=\s*\"([^\"]+)\"",
                         re.MULTILINE | re.DOTALL)
_JSON_COMMENTS = re.compile(r"//[^\n]*|/\*.*?\*/", re.DOTALL)
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")


class Resolver:
    def __init__(self, workspace: Workspace) -> None:
        self.ws = workspace

    # -- helpers -------------------------------------------------------------------------------

    def _up(self, start: str, marker: str, limit: str | None = None) -> str | None:
        """The nearest folder at or above ``start`` holding ``marker``."""
        folder = start
        while True:
            if self.ws.exists(os.path.join(folder, marker)):
                return folder
            parent = os.path.dirname(folder)
            if parent == folder or (limit and not parent.startswith(limit)):
                return None
            folder = parent

    def _first(self, candidates: list[str]) -> list[str]:
        for path in candidates:
            if self.ws.exists(path):
                return [path]
        return []

    # -- Python --------------------------------------------------------------------------------

    def python_roots(self, here: str) -> list[str]:
        folder = os.path.dirname(here)
        top = folder
        while self.ws.exists(os.path.join(top, "__init__.py")):
            top = os.path.dirname(top)
        root = self.ws.paths.root_of(here)
        out: list[str] = []
        for base in (top, root, os.path.join(root, "src"), os.path.join(root, "lib"), folder):
            if base and base not in out:
                out.append(base)
        return out

    def python(self, here: str, module: str, level: int) -> list[str]:
        parts = [p for p in module.split(".") if p]
        if level:
            base = os.path.dirname(here)
            for _ in range(level - 1):
                base = os.path.dirname(base)
            bases = [base]
        else:
            bases = self.python_roots(here)
        for base in bases:
            stem = os.path.join(base, *parts)
            candidates = [os.path.join(stem, "__init__" + ext) for ext in _PY_EXTS]
            if parts:
                candidates = [stem + ext for ext in _PY_EXTS] + candidates
            found = self._first(candidates)
            if found:
                return found
        return []

    # -- JavaScript / TypeScript ---------------------------------------------------------------

    def javascript(self, here: str, spec: str) -> list[str]:
        if spec.startswith((".", "/")):
            base = os.path.normpath(os.path.join(os.path.dirname(here), spec))
            return self._js_file(base)
        for base in self._js_aliases(here, spec):
            found = self._js_file(base)
            if found:
                return found
        return []

    def _js_file(self, base: str) -> list[str]:
        stem, ext = os.path.splitext(base)
        candidates: list[str] = []
        if ext in _JS_EXTS:
            candidates.append(base)
            candidates += [stem + swap for swap in _JS_SWAP.get(ext, ())]
        candidates += [base + e for e in _JS_EXTS]
        candidates += [os.path.join(base, "index" + e) for e in _JS_EXTS]
        return self._first(candidates)

    def _js_aliases(self, here: str, spec: str) -> list[str]:
        root = self.ws.paths.root_of(here)
        config_dir = None
        for name in ("tsconfig.json", "jsconfig.json"):
            config_dir = self._up(os.path.dirname(here), name, root)
            if config_dir is not None:
                config = self._json(os.path.join(config_dir, name))
                break
        else:
            return []
        options = config.get("compilerOptions") if isinstance(config, dict) else None
        if not isinstance(options, dict):
            return []
        base_url = os.path.normpath(os.path.join(config_dir, str(options.get("baseUrl") or ".")))
        out: list[str] = []
        paths = options.get("paths")
        if isinstance(paths, dict):
            for pattern, targets in paths.items():
                if not isinstance(targets, list):
                    continue
                head, star, tail = str(pattern).partition("*")
                if star and spec.startswith(head) and spec.endswith(tail):
                    middle = spec[len(head):len(spec) - len(tail) if tail else None]
                    out += [os.path.join(base_url, str(t).replace("*", middle)) for t in targets]
                elif not star and spec == pattern:
                    out += [os.path.join(base_url, str(t)) for t in targets]
        if options.get("baseUrl"):
            out.append(os.path.join(base_url, spec))
        return out

    def _json(self, path: str) -> object:
        text = self.ws.read_text(path)
        if not text:
            return {}
        try:
            return json.loads(_TRAILING_COMMA.sub(r"\1", _JSON_COMMENTS.sub("", text)))
        except ValueError:
            return {}

    # -- Go ------------------------------------------------------------------------------------

    def go_package(self, folder: str, *, tests: bool = False) -> list[str]:
        names = self.ws.listdir(folder)
        return [os.path.join(folder, n) for n in names if n.endswith(".go")
                and (tests or not n.endswith("_test.go"))]

    def go(self, here: str, path: str) -> list[str]:
        root = self._up(os.path.dirname(here), "go.mod")
        if root is None:
            return []
        text = self.ws.read_text(os.path.join(root, "go.mod")) or ""
        match = _GO_MODULE.search(text)
        module = match.group(1) if match else ""
        if not module or not (path == module or path.startswith(module + "/")):
            return []
        rest = path[len(module):].lstrip("/")
        return self.go_package(os.path.join(root, *rest.split("/")) if rest else root)

    # -- Rust ----------------------------------------------------------------------------------

    def _crate(self, here: str) -> tuple[str, str, str] | None:
        """The crate's root folder, its root module file and its name."""
        cargo = self._up(os.path.dirname(here), "Cargo.toml")
        if cargo is None:
            return None
        src = os.path.join(cargo, "src")
        root_file = ""
        for name in ("lib.rs", "main.rs"):
            if self.ws.exists(os.path.join(src, name)):
                root_file = os.path.join(src, name)
                break
        if not root_file:
            return None
        text = self.ws.read_text(os.path.join(cargo, "Cargo.toml")) or ""
        match = _CARGO_NAME.search(text)
        name = match.group(1).replace("-", "_") if match else ""
        return src, root_file, name

    @staticmethod
    def _rust_children(module_file: str) -> str:
        """The folder where a module's child modules live."""
        base = os.path.basename(module_file)
        if base in ("mod.rs", "lib.rs", "main.rs"):
            return os.path.dirname(module_file)
        return os.path.splitext(module_file)[0]

    def _rust_child(self, module_file: str, name: str) -> str | None:
        folder = self._rust_children(module_file)
        found = self._first([os.path.join(folder, name + ".rs"),
                             os.path.join(folder, name, "mod.rs")])
        return found[0] if found else None

    def _rust_parent(self, module_file: str) -> str | None:
        base = os.path.basename(module_file)
        folder = os.path.dirname(module_file)
        if base in ("lib.rs", "main.rs"):
            return None
        if base == "mod.rs":
            folder = os.path.dirname(folder)
        for candidate in (os.path.join(folder, "mod.rs"), os.path.join(folder, "lib.rs"),
                          os.path.join(folder, "main.rs"), folder + ".rs"):
            if self.ws.exists(candidate):
                return candidate
        return None

    def rust(self, here: str, segments: list[str]) -> tuple[str, list[str]] | None:
        """The file of the deepest module in ``segments`` and the segments left inside it."""
        crate = self._crate(here)
        if not segments:
            return None
        head, rest = segments[0], segments[1:]
        current: str | None
        if head == "crate" or (crate is not None and head == crate[2]):
            current = crate[1] if crate is not None else None
        elif head == "self":
            current = here
        elif head == "super":
            current = self._rust_parent(here)
            while rest and rest[0] == "super" and current is not None:
                current = self._rust_parent(current)
                rest = rest[1:]
        else:
            current = here
            rest = segments
            if self._rust_child(here, head) is None and crate is not None:
                current = crate[1]  # ``use models::X`` in the crate root, or a 2015-style path
        if current is None:
            return None
        while rest:
            child = self._rust_child(current, rest[0])
            if child is None:
                break
            current, rest = child, rest[1:]
        return current, rest

    # -- Java ----------------------------------------------------------------------------------

    def java_root(self, here: str, package: str) -> str:
        folder = os.path.dirname(here)
        parts = [p for p in package.split(".") if p]
        for part in reversed(parts):
            if os.path.basename(folder) != part:
                return os.path.dirname(here)
            folder = os.path.dirname(folder)
        return folder

    def java(self, here: str, package: str, qualified: str) -> tuple[str, list[str]] | None:
        """The file of the outermost class in ``qualified`` and the names inside it."""
        root = self.java_root(here, package)
        parts = qualified.split(".")
        for cut in range(len(parts), 0, -1):
            path = os.path.join(root, *parts[:cut - 1], parts[cut - 1] + ".java")
            if self.ws.exists(path):
                return path, parts[cut:]
        return None

    def java_package(self, here: str, package: str, qualified_package: str) -> str:
        root = self.java_root(here, package)
        return os.path.join(root, *[p for p in qualified_package.split(".") if p])

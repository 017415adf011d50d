"""Which files vc-lsp never sends, and which it never uses as context for other files.

Excluded files (secrets by their nature: ``.env``, keys, credential stores, plus the user's
``exclude`` globs) get no completions and no actions and are never read as context. Files that
git ignores (build output, ``node_modules``, virtualenvs, local configs) still get completions
when you edit them, but are never context for another file. Both use gitignore syntax through
pathspec, so a user glob ``!.env.example`` brings one default-excluded file back.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence

import pathspec

from ..lines import split_lines, strip_break

# Files that hold secrets by their nature. Matched against the path below its root with
# gitignore rules: a name without a slash matches in any directory.
DEFAULT_EXCLUDE: tuple[str, ...] = (
    ".env", ".env.*", "*.env", ".envrc",
    "*.pem", "*.key", "*.crt.key", "*.p12", "*.pfx", "*.jks", "*.keystore", "*.kdbx",
    "*.gpg", "*.asc", "*.ppk", "*.age",
    "id_rsa*", "id_dsa*", "id_ecdsa*", "id_ed25519*", ".ssh/", "known_hosts",
    "secrets.*", "secret.*", "*.secret", "*.secrets", "credentials*", "*credentials.json",
    "service-account*.json", ".npmrc", ".yarnrc", ".yarnrc.yml", ".pypirc", ".netrc",
    "_netrc", ".pgpass", ".my.cnf", ".git-credentials", ".dockercfg", ".docker/config.json",
    "*.tfstate", "*.tfstate.*", "*.tfvars", ".aws/", ".azure/", ".kube/config", ".htpasswd",
    "wp-config.php", ".vault-token", ".terraformrc", "terraform.rc",
)
_NAMES = tuple(g for g in DEFAULT_EXCLUDE if "/" not in g)  # file names, in any folder
_PATHS = tuple(g for g in DEFAULT_EXCLUDE if "/" in g)  # folders and paths below a root
_CHECK_S = 2.0  # how long a .gitignore's stat result is trusted
_MARKERS = (".git", "pyproject.toml", "setup.py", "package.json", "go.mod", "Cargo.toml",
            "pom.xml", "build.gradle", "build.gradle.kts", ".hg")


def _spec(lines: Sequence[str]) -> pathspec.GitIgnoreSpec:
    return pathspec.GitIgnoreSpec.from_lines(lines)


class Paths:
    """Answers, per file path: excluded (and by which glob), git-ignored, and its shown path."""

    def __init__(self, roots: Callable[[], Sequence[str]] = tuple,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._roots = roots
        self._clock = clock
        self._globs: tuple[str, ...] = ()
        self._user = _spec(())
        self._names = _spec(_NAMES)
        self._paths = _spec(_PATHS)
        self._folder_roots: dict[tuple[str, tuple[str, ...]], str] = {}
        self._ignores: dict[str, tuple[float, int, pathspec.GitIgnoreSpec | None]] = {}
        self._git_roots: dict[str, str | None] = {}

    def configure(self, globs: Sequence[str]) -> bool:
        """Take the user's ``exclude`` globs; True when they changed."""
        globs = tuple(g for g in globs if g.strip())
        if globs == self._globs:
            return False
        self._globs = globs
        self._user = _spec(globs)
        return True

    # -- where a file lives ------------------------------------------------------------------

    def root_of(self, path: str) -> str:
        """The workspace folder holding ``path``; else the nearest project root above it."""
        roots = tuple(os.path.normpath(r) for r in self._roots())
        best = ""
        for root in roots:
            if (path == root or path.startswith(root.rstrip(os.sep) + os.sep)) \
                    and len(root) > len(best):
                best = root
        if best:
            return best
        folder = os.path.dirname(path)
        key = (folder, roots)
        found = self._folder_roots.get(key)
        if found is None:
            found = self._folder_roots[key] = _project_root(folder)
        return found

    def relative(self, path: str) -> str:
        """``path`` as the model sees it: below its root, with forward slashes."""
        root = self.root_of(path)
        rel = os.path.relpath(path, root) if root else os.path.basename(path)
        return rel.replace(os.sep, "/")

    # -- the two questions -------------------------------------------------------------------

    def excluded(self, path: str | None) -> str | None:
        """The glob that excludes ``path`` (a default or the user's), or ``None``.

        Default names match the file's own name, so a folder called ``credentials/`` full of
        code stays usable; the user's globs follow gitignore rules on the path below the root.
        """
        if not path:
            return None
        rel = self.relative(path)
        mine = self._user.check_file(rel)
        if mine.include is not None:
            return self._globs[mine.index] if mine.include and mine.index is not None \
                else None
        by_name = self._names.check_file(os.path.basename(path))
        if by_name.include and by_name.index is not None:
            return _NAMES[by_name.index]
        by_path = self._paths.check_file(rel)
        if by_path.include and by_path.index is not None:
            return _PATHS[by_path.index]
        return None

    def ignored(self, path: str | None) -> bool:
        """True when git ignores ``path`` (``.gitignore`` files from its repository down)."""
        if not path:
            return False
        top = self._git_root(path) or self.root_of(path)
        if not top or not (path.startswith(top.rstrip(os.sep) + os.sep)):
            return False
        rel_parts = os.path.relpath(path, top).split(os.sep)
        verdict = False
        folder = top
        info = os.path.join(top, ".git", "info", "exclude")
        for spec_file, base in ((info, top), (os.path.join(top, ".gitignore"), top)):
            verdict = self._apply(spec_file, base, path, verdict)
        for part in rel_parts[:-1]:
            folder = os.path.join(folder, part)
            if part in (".git", "node_modules"):
                return True
            verdict = self._apply(os.path.join(folder, ".gitignore"), folder, path, verdict)
        return verdict

    def usable(self, path: str | None) -> bool:
        """May ``path`` be context for another file?"""
        return self.excluded(path) is None and not self.ignored(path)

    # -- helpers -----------------------------------------------------------------------------

    def _apply(self, spec_file: str, base: str, path: str, verdict: bool) -> bool:
        spec = self._ignore_spec(spec_file)
        if spec is None:
            return verdict
        result = spec.check_file(os.path.relpath(path, base).replace(os.sep, "/"))
        return verdict if result.include is None else bool(result.include)

    def _ignore_spec(self, spec_file: str) -> pathspec.GitIgnoreSpec | None:
        now = self._clock()
        cached = self._ignores.get(spec_file)
        if cached is not None and now - cached[0] < _CHECK_S:
            return cached[2]
        try:
            stat = os.stat(spec_file)
        except OSError:
            self._ignores[spec_file] = (now, -1, None)
            return None
        if cached is not None and cached[1] == stat.st_mtime_ns:
            self._ignores[spec_file] = (now, stat.st_mtime_ns, cached[2])
            return cached[2]
        try:
            with open(spec_file, encoding="utf-8", errors="replace", newline="") as f:
                text = f.read()
            spec: pathspec.GitIgnoreSpec | None = _spec([strip_break(line)
                                                         for line in split_lines(text)])
        except (OSError, ValueError):
            spec = None
        self._ignores[spec_file] = (now, stat.st_mtime_ns, spec)
        return spec

    def _git_root(self, path: str) -> str | None:
        folder = os.path.dirname(path)
        if folder in self._git_roots:
            return self._git_roots[folder]
        probe, found = folder, None
        while True:
            if os.path.exists(os.path.join(probe, ".git")):
                found = probe
                break
            parent = os.path.dirname(probe)
            if parent == probe:
                break
            probe = parent
        self._git_roots[folder] = found
        return found


def _project_root(folder: str) -> str:
    """The nearest folder at or above ``folder`` with a project marker, else ``folder``."""
    probe = folder
    while True:
        if any(os.path.exists(os.path.join(probe, m)) for m in _MARKERS):
            return probe
        parent = os.path.dirname(probe)
        if parent == probe:
            return folder
        probe = parent

"""Every action vc-lsp offers: its command, code action title and kind, and what it asks for.

Each action is a command (``vc.explain``, ``vc.simplify``...) so that editors which only send
listed commands (Neovim) or cannot resolve code actions can still run it, and each code action
simply carries its command: listing actions never costs a request to the model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# One-line messages, kept importable from here (they moved to vc_lsp/messages.py).
from ..messages import MESSAGE_WIDTH as MESSAGE_WIDTH
from ..messages import fit as fit
from ..messages import short as short

Mode = Literal["explain", "replace", "append", "fix"]

KIND_EXPLAIN = "vc.explain"
KIND_REWRITE = "refactor.rewrite.vc"
KIND_FIX = "quickfix.vc"
ADVERTISED_KINDS = ["quickfix", "refactor.rewrite", KIND_EXPLAIN]

CANCEL = "vc.cancel"
REVERT = "vc.revert"
UNDO = "vc.undo"  # the same as vc.revert, for people who look for "undo"


@dataclass(frozen=True, slots=True)
class Action:
    name: str
    command: str
    title: str
    kind: str
    mode: Mode
    task: str = ""  # what the model is asked to do; empty for explain, edit and fix
    progress: str = ""  # "Simplifying": the progress title
    languages: frozenset[str] | None = None  # offered only for these language ids
    alt_title: str = ""  # title for languages other than Python, when it differs

    def title_for(self, language: str) -> str:
        return self.alt_title if self.alt_title and language != "python" else self.title

    def offered_for(self, language: str) -> bool:
        return self.languages is None or language in self.languages


EXPLAIN = Action("explain", "vc.explain", "Explain this code", KIND_EXPLAIN, "explain",
                 progress="Explaining")
EDIT = Action("edit", "vc.edit", "Edit", f"{KIND_REWRITE}.edit", "replace", progress="Editing")
FIX = Action("fix", "vc.fix", "Fix", f"{KIND_FIX}.fix", "fix", progress="Fixing")

PRESETS = (
    Action("simplify", "vc.simplify", "Simplify this code", f"{KIND_REWRITE}.simplify", "replace",
           task="Simplify this code: make it shorter and easier to read without changing what it "
                "does. Keep the names, signatures and comments that still apply.",
           progress="Simplifying"),
    Action("addTypes", "vc.addTypes", "Add type hints", f"{KIND_REWRITE}.types", "replace",
           task="Add type annotations to this code: parameters, return values, and variables "
                "where they help a reader. Do not change what the code does.",
           progress="Adding types", alt_title="Add type annotations",
           languages=frozenset({"python", "typescript", "typescriptreact", "php"})),
    Action("addDocs", "vc.addDocs", "Add a docstring", f"{KIND_REWRITE}.docs", "replace",
           task="Document this code in the language's usual style (docstrings for Python, "
                "JSDoc/TSDoc, Javadoc, /// for Rust, Go doc comments...): every function, "
                "method and class gets a short summary, its parameters and what it returns. "
                "Do not change the code itself.",
           progress="Documenting", alt_title="Add a doc comment"),
    Action("addErrorHandling", "vc.addErrorHandling", "Add error handling",
           f"{KIND_REWRITE}.errors", "replace",
           task="Add error handling to this code: handle the failures it can realistically meet "
                "(I/O, parsing, network, missing values) the way the surrounding code does, and "
                "report errors clearly. Do not change what it does when nothing fails.",
           progress="Adding error handling"),
    Action("writeTest", "vc.writeTest", "Write a unit test for this", f"{KIND_REWRITE}.test",
           "append",
           task="Write unit tests for this code with the test framework the language usually "
                "uses (pytest for Python, the testing package for Go, #[cfg(test)] for Rust, "
                "Jest or Vitest style for JavaScript and TypeScript...). Cover the main "
                "behaviour and one edge case. Reply with the test code only: it is inserted "
                "below this code, so do not repeat the code under test.",
           progress="Writing a test"),
)

STREAMING = (EXPLAIN, EDIT, FIX, *PRESETS)
BY_COMMAND = {action.command: action for action in STREAMING}
COMMANDS = [*BY_COMMAND, CANCEL, REVERT, UNDO]

"""What must never leave the machine: excluded files, git-ignored context, secrets in text.

One owner, used by every path that builds a prompt (completions in the editor and from the
command line, code actions): ``Paths`` decides per file, ``Redaction`` per request.
"""

from __future__ import annotations

from .files import DEFAULT_EXCLUDE, Paths
from .secrets import CONFIG_LANGUAGES, Redaction, redact

__all__ = ["CONFIG_LANGUAGES", "DEFAULT_EXCLUDE", "Paths", "Redaction", "redact"]

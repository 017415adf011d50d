"""Secrets in text that is about to be sent: found, replaced by placeholders, put back after.

Why not detect-secrets: it was evaluated (1.5.0) and its detectors report secret *values*
line by line, several of them partial (the GitHub detector yields only the ``ghp`` prefix, the
JWT one stops before the signature, the private-key one matches only the ``BEGIN`` line), its
OpenAI pattern needs the legacy ``T3BlbkFJ`` marker so ``sk-proj-...`` and DeepSeek-style keys
pass, its entropy detectors flag git hashes and UUIDs in ordinary code, scanning 8 KB costs
about 20 ms, and importing it pulls in ``requests`` (180 ms). The patterns below follow its
detectors' and gitleaks' rules for the same token families, as spans over the whole text.

Speed matters: this runs on every completion request. Each pattern starts with a literal, so
the regex engine can skip ahead to its candidates, and the ``password = "..."`` rule first
finds the keyword and only then looks for an assignment after it.

A placeholder names what it replaced (``<secret-1>``), so an answer that comes back with it is
restored to the user's own text before it reaches the buffer.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field

PLACEHOLDER = "<secret-{n}>"
_PLACEHOLDER = re.compile(r"<secret-(\d+)>")
_WORD_BEFORE = re.compile(r"[A-Za-z0-9_]")

# (pattern, group that is the secret or 0 for the whole match, needs a word boundary before)
_TOKENS: list[tuple[re.Pattern[str], int | str, bool]] = [
    (re.compile(p), g, b) for p, g, b in [
        (r"A(?:KIA|SIA|BIA|CCA|GPA|IDA|IPA|NPA|NVA|PKA|ROA|SCA)[0-9A-Z]{16}(?![0-9A-Za-z])",
         0, True),  # AWS access key id
        (r"gh[pousr]_[A-Za-z0-9]{36,255}\b", 0, True),  # GitHub
        (r"github_pat_[A-Za-z0-9_]{22,255}", 0, True),
        (r"glpat-[A-Za-z0-9_-]{20,}", 0, True),  # GitLab
        (r"sk-(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]{20,}", 0, True),  # OpenAI, DeepSeek, sk-ant-
        (r"sk_(?:live|test)_[A-Za-z0-9]{16,}", 0, True),  # Stripe
        (r"rk_(?:live|test)_[A-Za-z0-9]{16,}", 0, True),
        (r"xox[abposr]-[A-Za-z0-9-]{10,}", 0, True),  # Slack
        (r"xapp-\d-[A-Za-z0-9-]{10,}", 0, True),
        (r"hooks\.slack\.com/services/(T[A-Za-z0-9_]+/B[A-Za-z0-9_]+/[A-Za-z0-9_]+)", 1, False),
        (r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}", 0, True),  # JWT
        (r"AIza[0-9A-Za-z_-]{35}", 0, True),  # Google API key
        (r"SG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}", 0, True),  # SendGrid
        (r"npm_[A-Za-z0-9]{36}", 0, True),
        (r"pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}", 0, True),
        (r"hf_[A-Za-z0-9]{34,}", 0, True),  # Hugging Face
        (r"dop_v1_[a-f0-9]{64}", 0, True),  # DigitalOcean
        (r"shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}", 0, True),  # Shopify
        (r"Bearer[ \t]+([A-Za-z0-9._~+/=-]{16,})", 1, False),
        # A private key block: the body goes, to the end of the text without a footer.
        (r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----([\s\S]*?)"
         r"(?=-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|\Z)", 1, False),
        # ... and the end of one whose header came before the text (a window cut through it)
        (r"\A((?:(?!-----BEGIN )[\s\S])*?)(?=-----END [A-Z0-9 ]*PRIVATE KEY)", 1, False),
        (r"PuTTY-User-Key-File-\d+: [^\r\n]*([\s\S]*?Private-MAC: \S+)", 1, False),
        # scheme://user:password@host
        (r"://[^\s:/@\"'<>]+:([^\s:/@\"'<>]{3,})@", 1, False),
    ]
]

# ``password = "..."`` in any language: find the keyword (plain ``str.find`` on the lowered
# text, much faster than a case-insensitive regex), then an assignment of a literal after it.
_STEMS = ("pass", "pwd", "secret", "token", "apikey", "api_key", "api-key", "_key", "-key",
          "credential")
_KEY_NAMES = re.compile(r"(?:api|access|private|auth|signing|encryption|secret|master|client)"
                        r"[_-]?key")
_IDENT_CHARS = re.compile(r"[\w.-]*")
_ASSIGNED = re.compile(r"[\"'\]]?[ \t]*(?::=|=>|=|:|,)[ \t]*(?:[rbuf]{0,2})"
                       r"([\"'`])((?:(?!\1)[^\r\n]){3,400}?)\1")
_BARE = re.compile(r"[ \t]*[:=][ \t]*([^\s\"'#;,]{4,})[ \t]*(?=\r?\n|\r|\Z)")
CONFIG_LANGUAGES = frozenset({"yaml", "ini", "properties", "toml", "dotenv", "shellscript",
                              "sh", "bash", "zsh", "dockerfile", "plaintext", "conf", "env",
                              "makefile", "hcl", "terraform", "xml", "json", "jsonc"})
# Literals that name or stand for a secret rather than being one.
_LABELS = re.compile(r"(?i)^(?:your|my|enter|insert|replace|put|some|the|a|an)[-_ .]"
                     r"|^(?:password|passwd|pwd|secret|token|api[-_ ]?key|key|none|null|nil"
                     r"|true|false|todo|tbd|changeme|x+|\*+|\.+|-+)$")


def _plausible(value: str, password: bool) -> bool:
    """A literal after ``password =`` that looks like a value, not a label or a template."""
    if len(value) < 3 or value.strip() != value or " " in value:
        return False
    if value[0] in "$%{<" or value.startswith(("process.env", "os.environ")):
        return False
    if _LABELS.search(value) or "<secret-" in value:
        return False
    if password:
        return True
    # ``token_type = "bearer"``, ``TOKEN_KEY = "auth_token"``: words, not secrets
    return not re.fullmatch(r"[a-z_.-]+|[A-Z_.-]+", value) or len(value) >= 24


_CACHE: OrderedDict[tuple[str, bool], list[tuple[int, int]]] = OrderedDict()
_CACHE_SIZE = 32
_CACHE_MIN = 512  # shorter texts are scanned again; caching them costs more than it saves


def spans(text: str, *, config: bool = False) -> list[tuple[int, int]]:
    """Where the secrets in ``text`` are, sorted, without overlaps.

    The large parts of a completion prompt (context, the file around the cursor line) are the
    same text from one keystroke to the next, so their spans are remembered.
    """
    if len(text) < _CACHE_MIN:
        return _scan(text, config)
    key = (text, config)
    cached = _CACHE.get(key)
    if cached is not None:
        _CACHE.move_to_end(key)
        return cached
    found = _CACHE[key] = _scan(text, config)
    if len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return found


def _scan(text: str, config: bool) -> list[tuple[int, int]]:
    found: list[tuple[int, int]] = []
    for pattern, group, boundary in _TOKENS:
        for match in pattern.finditer(text):
            start = match.start()
            if boundary and start and _WORD_BEFORE.match(text, start - 1):
                continue
            span = match.span(group)
            if span[1] > span[0] and text[span[0]:span[1]].strip():
                found.append(span)
    lowered = text.lower()
    rules = ((_ASSIGNED, 2), (_BARE, 1)) if config else ((_ASSIGNED, 2),)
    for stem in _STEMS:
        at = lowered.find(stem)
        while at >= 0:
            ident = _IDENT_CHARS.match(lowered, at)
            end = ident.end() if ident else at + len(stem)
            start = at
            while start and (lowered[start - 1].isalnum() or lowered[start - 1] in "_.-"):
                start -= 1
            name = lowered[start:end]
            if stem.endswith("key") and stem.startswith(("_", "-")) and not \
                    _KEY_NAMES.search(name):
                at = lowered.find(stem, end)
                continue
            password = stem in ("pass", "pwd")
            for pattern, group in rules:
                assigned = pattern.match(text, end)
                if assigned and _plausible(assigned.group(group), password):
                    found.append(assigned.span(group))
                    break
            at = lowered.find(stem, end)
    found.sort()
    merged: list[tuple[int, int]] = []
    for start, end in found:
        if merged and start < merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
            continue
        merged.append((start, end))
    return merged


@dataclass
class Redaction:
    """The secrets replaced in one request, numbered in order of first appearance."""

    values: dict[str, int] = field(default_factory=dict)

    def mask(self, secret: str) -> str:
        """The placeholder for ``secret`` (the same one each time within this request)."""
        number = self.values.setdefault(secret, len(self.values) + 1)
        return PLACEHOLDER.format(n=number)

    def text(self, text: str, *, config: bool = False) -> str:
        """``text`` with every secret replaced by its placeholder."""
        if not text:
            return text
        found = spans(text, config=config)
        if not found:
            return text
        out: list[str] = []
        last = 0
        for start, end in found:
            out.append(text[last:start])
            out.append(self.mask(text[start:end]))
            last = end
        out.append(text[last:])
        return "".join(out)

    def restore(self, text: str) -> str:
        """Put the user's own secrets back where an answer kept their placeholders."""
        if not self.values or "<secret-" not in text:
            return text
        by_number = {n: value for value, n in self.values.items()}
        return _PLACEHOLDER.sub(lambda m: by_number.get(int(m.group(1)), m.group(0)), text)

    def messages(self, messages: Iterable[dict[str, str]]) -> list[dict[str, str]]:
        return [{**m, "content": self.text(m.get("content", ""))} for m in messages]


def redact(text: str, *, config: bool = False) -> str:
    """One-off: ``text`` with its secrets replaced."""
    return Redaction().text(text, config=config)

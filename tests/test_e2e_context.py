"""The context engine end to end: what reaches the upstream, read from the fake's request log.

Each scenario is a small project on disk. File A (open, with the cursor) needs a definition
from file B (open in the editor) and one from file C (never opened, only imported by A); the
request must carry both. Privacy: nothing of an excluded or git-ignored file, and no secret
pasted into the current file, ever appears in any request body.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.conftest import (
    capabilities,
    inline_texts,
    open_doc,
    options,
    start_server,
    stop_and_check_secret,
    wait_message,
)
from tests.editor_client import opener
from tests.fakes.upstream import FakeUpstream, Reply
from tests.prompts import as_sent, user_text

SAFETY = 20.0


@asynccontextmanager
async def workspace_session(upstream: FakeUpstream, root: Path, log: Path,
                            settings: dict[str, Any] | None = None
                            ) -> AsyncIterator[LanguageClient]:
    """A server whose workspace folder is ``root``, as an editor opening a project starts it."""
    client = await start_server(log, {"VC_LSP_BASE_URL": upstream.base_url})
    await client.initialize_session(types.InitializeParams(
        capabilities=capabilities(inline=True, encoding="utf-16"),
        root_uri=root.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
        initialization_options=options(upstream, {"inline": {"debounceMs": 0}}, settings)))
    try:
        yield client
    finally:
        await stop_and_check_secret(client, log)


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def cursor(text: str) -> tuple[str, int, int]:
    """The text without its ``|`` marker, and the marker's line and (ASCII) column."""
    before, after = text.split("|")
    line = before.count("\n")
    return before + after, line, len(before) - (before.rfind("\n") + 1)


@dataclass(frozen=True)
class Scenario:
    language: str
    files: dict[str, str]  # on disk
    current: str  # file A (its text has the cursor)
    opened: str  # file B
    wanted: tuple[str, ...]  # text from B and from C (unopened) that must be in the request


SCENARIOS = [
    Scenario(
        "python",
        {"pyproject.toml": "[project]\nname = 'shop'\n",
         "shop/__init__.py": "",
         "shop/models.py": (
             "class Customer:\n"
             "    \"\"\"A buyer.\"\"\"\n\n"
             "    def __init__(self, name: str, loyalty: int) -> None:\n"
             "        self.name = name\n        self.loyalty = loyalty\n\n"
             "    def discount_rate(self) -> float:\n"
             "        return min(0.05 * self.loyalty, 0.3)\n"),
         "shop/pricing.py": (
             "def apply_discount(total: float, rate: float) -> float:\n"
             "    \"\"\"The total after a discount of ``rate`` (0..1).\"\"\"\n"
             "    return round(total * (1 - rate), 2)\n"),
         "shop/checkout.py": (
             "from shop.models import Customer\n"
             "from shop.pricing import apply_discount\n\n\n"
             "def pay(customer: Customer, total: float) -> float:\n"
             "    return apply_discount(total, customer.|)\n")},
        "shop/checkout.py", "shop/models.py",
        ("def discount_rate(self) -> float", "def apply_discount(total: float, rate: float)")),
    Scenario(
        "typescript",
        {"package.json": "{\"name\": \"shop\"}\n",
         "src/invoice.ts": (
             "export interface Invoice {\n  amount: number;\n  country: string;\n}\n"),
         "src/tax.ts": (
             "const RATES: Record<string, number> = { DE: 0.19, FR: 0.2 };\n\n"
             "export function taxFor(amount: number, country: string): number {\n"
             "  return amount * (RATES[country] ?? 0);\n}\n"),
         "src/due.ts": (
             "import { Invoice } from \"./invoice\";\n"
             "import { taxFor } from \"./tax\";\n\n"
             "export function due(inv: Invoice): number {\n"
             "  return inv.amount + taxFor(|);\n}\n")},
        "src/due.ts", "src/invoice.ts",
        ("export interface Invoice", "export function taxFor(amount: number, country: string)")),
    Scenario(
        "go",
        {"go.mod": "module example.com/maps\n\ngo 1.22\n",
         "geo/point.go": (
             "package geo\n\n// Point is a place on a plane.\n"
             "type Point struct {\n\tX, Y float64\n}\n"),
         "geo/distance.go": (
             "package geo\n\nimport \"math\"\n\n"
             "// Distance between two points.\n"
             "func Distance(a, b Point) float64 {\n"
             "\treturn math.Hypot(a.X-b.X, a.Y-b.Y)\n}\n"),
         "main.go": (
             "package main\n\nimport \"example.com/maps/geo\"\n\n"
             "func main() {\n\thome := geo.Point{X: 1, Y: 2}\n"
             "\td := geo.Distance(home, |)\n}\n")},
        "main.go", "geo/point.go",
        ("type Point struct", "func Distance(a, b Point) float64")),
    Scenario(
        "rust",
        {"Cargo.toml": "[package]\nname = \"shapes\"\nversion = \"0.1.0\"\n",
         "src/shapes.rs": (
             "/// A circle.\npub struct Circle {\n    pub radius: f64,\n}\n\n"
             "impl Circle {\n    pub fn new(radius: f64) -> Self {\n"
             "        Circle { radius }\n    }\n\n"
             "    pub fn area(&self) -> f64 {\n"
             "        std::f64::consts::PI * self.radius * self.radius\n    }\n}\n"),
         "src/units.rs": (
             "/// Converts a length to metres.\n"
             "pub fn to_metres(value: f64, unit: &str) -> f64 {\n"
             "    match unit {\n        \"cm\" => value / 100.0,\n        _ => value,\n"
             "    }\n}\n"),
         "src/main.rs": (
             "mod shapes;\nmod units;\n\nuse shapes::Circle;\nuse units::to_metres;\n\n"
             "fn main() {\n    let c = Circle::new(2.0);\n"
             "    let r = to_metres(c.|, \"cm\");\n}\n")},
        "src/main.rs", "src/shapes.rs",
        ("pub struct Circle", "pub fn area(&self) -> f64", "pub fn to_metres(value: f64, unit")),
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.language for s in SCENARIOS])
async def test_definitions_from_an_open_file_and_an_imported_one_reach_the_model(
        upstream: FakeUpstream, tmp_path: Path, scenario: Scenario) -> None:
    root = tmp_path / "project"
    write(root, scenario.files)
    text, line, column = cursor(scenario.files[scenario.current])
    (root / scenario.current).write_text(text, encoding="utf-8")
    upstream.enqueue(Reply.text("<completion>x</completion>"))
    async with workspace_session(upstream, root, tmp_path / "server.log") as client:
        opened = root / scenario.opened
        open_doc(client, opened.as_uri(), opened.read_text("utf-8"), scenario.language)
        current = root / scenario.current
        open_doc(client, current.as_uri(), text, scenario.language)
        assert await inline_texts(client, current.as_uri(), line, column) == ["x"]
    [request] = upstream.chat_requests
    prompt = user_text(request.json)
    for wanted in scenario.wanted:
        assert wanted in prompt, f"{wanted!r} missing from:\n{prompt}"
    assert f'<file path="{scenario.current}"' in prompt  # the path below the workspace root
    assert as_sent(request.json).count("<FILL_HERE>") == 1


PRIVATE = {
    ".gitignore": "build/\n",
    ".git/HEAD": "ref: refs/heads/main\n",
    "pyproject.toml": "[project]\nname = 'app'\n",
    ".env": "API_TOKEN=tok-9f8e7d6c5b4a-env-only\n",
    "build/generated.py": "def generated_helper(x):\n    return 'from-an-ignored-file'\n",
    "app/keys.py": "def load_key(path):\n    return open(path).read()\n",
}


async def test_nothing_from_excluded_or_ignored_files_and_no_pasted_secret_is_sent(
        upstream: FakeUpstream, tmp_path: Path) -> None:
    root = tmp_path / "project"
    write(root, PRIVATE)
    secrets = ["AKIAIOSFODNN7EXAMPLE", "hunter2-Very-Secret", "ghp_" + "a1B2" * 9,
               "tok-9f8e7d6c5b4a-env-only", "from-an-ignored-file"]
    current = (
        "from build.generated import generated_helper\n"
        "from app.keys import load_key\n\n"
        f"AWS_ACCESS_KEY_ID = \"{secrets[0]}\"\n"
        f"password = \"{secrets[1]}\"\n"
        f"client = connect(token=\"{secrets[2]}\")\n\n"
        "def main():\n"
        "    value = generated_helper(load_key(|))\n")
    text, line, column = cursor(current)
    upstream.default = Reply.text("<completion>'key.pem'</completion>")
    async with workspace_session(upstream, root, tmp_path / "server.log") as client:
        env = root / ".env"
        open_doc(client, env.as_uri(), env.read_text("utf-8"), "dotenv")
        ignored = root / "build/generated.py"
        open_doc(client, ignored.as_uri(), ignored.read_text("utf-8"))
        main = root / "app/main.py"
        open_doc(client, main.as_uri(), text)
        assert await inline_texts(client, main.as_uri(), line, column) == ["'key.pem'"]
        # The excluded file gets nothing, and says so once.
        assert await inline_texts(client, env.as_uri(), 0, 3) == []
        message = await wait_message(client, "excluded")
        assert ".env" in message.message and len(message.message) <= 80
        assert await inline_texts(client, env.as_uri(), 0, 4) == []
        assert sum("excluded" in m.message for m in client.messages) == 1
        # An ignored file still gets completions of its own, never a part in another's.
        assert await inline_texts(client, ignored.as_uri(), 1, 11) == ["'key.pem'"]
    assert len(upstream.chat_requests) == 2
    main_request = upstream.chat_requests[0].body.decode("utf-8")
    assert "def load_key(path)" in main_request  # imported context does arrive
    for secret in secrets:
        assert secret not in main_request, secret
    for request in upstream.chat_requests:
        body = request.body.decode("utf-8")
        for secret in secrets[:4]:
            assert secret not in body


async def test_an_accepted_secret_placeholder_comes_back_as_the_users_text(
        upstream: FakeUpstream, tmp_path: Path) -> None:
    """The model sees ``<secret-1>``; a completion that repeats it inserts the real value."""
    root = tmp_path / "project"
    write(root, {"pyproject.toml": ""})
    text, line, column = cursor('DB_PASSWORD = "s3cr3t-Pa55"\nbackup = |\n')
    upstream.enqueue(Reply.text('<completion>"<secret-1>"</completion>'))
    async with workspace_session(upstream, root, tmp_path / "server.log") as client:
        uri = (root / "conf.py").as_uri()
        open_doc(client, uri, text)
        assert await inline_texts(client, uri, line, column) == ['"s3cr3t-Pa55"']
    body = upstream.chat_requests[0].body.decode("utf-8")
    assert "s3cr3t-Pa55" not in body and "<secret-1>" in body


async def test_recent_edits_and_cached_tokens(upstream: FakeUpstream, tmp_path: Path) -> None:
    """An edit in another file arrives as a small diff; vc/stats adds up cached tokens."""
    root = tmp_path / "project"
    write(root, {"pyproject.toml": ""})
    usage = {"prompt_tokens": 900, "completion_tokens": 3,
             "prompt_tokens_details": {"cached_tokens": 768}}
    upstream.default = Reply.text("<completion>1</completion>", usage=usage)
    async with workspace_session(upstream, root, tmp_path / "server.log") as client:
        other = (root / "other.py").as_uri()
        open_doc(client, other, "def area(r):\n    return 3.14 * r * r\n")
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=other, version=1),
            content_changes=[types.TextDocumentContentChangePartial(
                range=types.Range(types.Position(0, 4), types.Position(0, 8)),
                text="circle_area")]))
        uri = (root / "main.py").as_uri()
        open_doc(client, uri, "x = \n")
        assert await inline_texts(client, uri, 0, 4) == ["1"]
        stats = await asyncio.wait_for(client.protocol.send_request_async("vc/stats", {}),
                                       SAFETY)
    prompt = user_text(upstream.chat_requests[0].json)
    assert "-def area(r):\n+def circle_area(r):" in prompt
    tokens = stats["tokens"] if isinstance(stats, dict) else stats.tokens
    cached = tokens["cached"] if isinstance(tokens, dict) else tokens.cached
    assert cached == 768


@pytest.fixture
def open_editor(upstream: FakeUpstream, tmp_path: Path) -> Any:
    return opener(upstream, tmp_path)


async def test_code_actions_get_the_definitions_and_keep_secrets_out(
        open_editor: Any, upstream: FakeUpstream, tmp_path: Path) -> None:
    """vc.edit on a function: the imported helper's signature is in the prompt, the password
    literal is not, and the edit that comes back keeps the user's real password."""
    root = tmp_path / "project"
    write(root, {"pyproject.toml": "",
                 "util/net.py": ("def fetch_json(url: str, timeout: float = 5.0) -> dict:\n"
                                 "    \"\"\"GET ``url`` and parse the body.\"\"\"\n"
                                 "    raise NotImplementedError\n")})
    source = ("from util.net import fetch_json\n\n\n"
              "def profile(user_id):\n"
              "    password = \"Zq9-letmein-77\"\n"
              "    return fetch_json(f\"/users/{user_id}\", password)\n")
    answer = ("def profile(user_id: int) -> dict:\n"
              "    password = \"<secret-1>\"\n"
              "    return fetch_json(f\"/users/{user_id}\", password)\n")
    upstream.enqueue(Reply.text(f"```python\n{answer}```\n"))
    uri = (root / "app.py").as_uri()
    async with open_editor() as ed:
        ed.open(uri, source)
        await ed.client.workspace_execute_command_async(types.ExecuteCommandParams(
            command="vc.edit", arguments=[{
                "uri": uri, "instruction": "add type hints",
                "range": {"start": {"line": 3, "character": 0},
                          "end": {"line": 6, "character": 0}}}]))
        await ed.wait_progress_end()
        assert ed.text(uri) == source.replace("def profile(user_id):",
                                              "def profile(user_id: int) -> dict:")
    body = upstream.chat_requests[0].body.decode("utf-8")
    assert "def fetch_json(url: str, timeout: float = 5.0) -> dict" in body
    assert "Zq9-letmein-77" not in body


async def test_an_excluded_file_gets_no_code_actions(open_editor: Any, upstream: FakeUpstream,
                                                     tmp_path: Path) -> None:
    root = tmp_path / "project"
    write(root, {"pyproject.toml": "", "secrets.yaml": "db: {password: abc}\n"})
    uri = (root / "secrets.yaml").as_uri()
    async with open_editor() as ed:
        ed.open(uri, "db: {password: abc}\n", "yaml")
        listed = await ed.client.text_document_code_action_async(types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(types.Position(0, 0), types.Position(0, 3)),
            context=types.CodeActionContext(diagnostics=[])))
        assert not listed
        await ed.client.workspace_execute_command_async(types.ExecuteCommandParams(
            command="vc.explain", arguments=[{"uri": uri}]))
        message = await ed.wait_message("excluded")
        assert "secrets.yaml" in message.message
    assert upstream.chat_requests == []


def field_of(obj: Any, key: str) -> Any:
    """A field of a custom request's answer (pygls gives objects, or dicts)."""
    return obj[key] if isinstance(obj, dict) else getattr(obj, key)


async def test_a_large_files_symbols_are_read_in_the_background_and_reach_the_next_prompt(
        upstream: FakeUpstream, tmp_path: Path) -> None:
    """A file past ``SYNC_CHARS``: the completion asked right after opening is answered (with
    what there is), the server reads the file's symbols as a background job (``vc/stats``
    counts it), and the next completion carries a definition from far above its window."""
    root = tmp_path / "project"
    write(root, {"pyproject.toml": ""})
    helpers = "".join(f"def helper_{k}(value):\n    return value + {k}\n\n\n" for k in range(2500))
    text = ("def compute_total(items, rate):\n    return sum(items) * rate\n\n\n" + helpers
            + "total = compute_total(\nx = \ny = \n")
    last = text.count("\n")
    upstream.default = Reply.text("<completion>1</completion>")
    async with workspace_session(upstream, root, tmp_path / "server.log") as client:
        uri = (root / "big.py").as_uri()
        open_doc(client, uri, text)
        assert await inline_texts(client, uri, last - 2, 4) == ["1"]

        async def read() -> None:
            while True:  # each round is a request to the server
                stats = await client.protocol.send_request_async("vc/stats", {})
                if field_of(field_of(stats, "context"), "rereads") >= 1:
                    return

        await asyncio.wait_for(read(), SAFETY)
        assert await inline_texts(client, uri, last - 1, 4) == ["1"]
    prompt = user_text(upstream.chat_requests[-1].json)
    assert "def compute_total(items, rate)" in prompt  # 110,000 characters above the cursor

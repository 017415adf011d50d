"""VS Code (code-server 4.100, VS Code 1.100) with the extension from editors/vscode, driven in
headless Chromium like a person: ghost text appears and Tab accepts it; an edit streams in;
typing stops it.

The extension is built and packaged as its README says (``npm run package`` in editors/vscode,
after ``npm ci``), and the .vsix is installed into a fresh extensions folder with
``code-server --install-extension``. code-server comes from the npm registry through
``tests/editors/vscode/install-code-server.sh`` (``.ci/run vscode`` runs it); Chromium is
Debian's (/usr/bin/chromium), driven with Playwright for Python. Waits are Playwright's own
(selectors, page functions) and the fake upstream's events, never sleeps.

Where code-server, Chromium, Playwright or the extension's node_modules are missing the tests
skip, naming what to install; under CI they fail instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SECRET
from tests.editors import readme
from tests.editors.channel import SAFETY
from tests.editors.conftest import need
from tests.fakes.upstream import DEFAULT_MODELS, FakeUpstream, Reply

ROOT = readme.ROOT
EXTENSION = ROOT / "editors" / "vscode"
CODE_SERVER = Path(os.environ.get("VC_TEST_CODE_SERVER", ROOT / ".cache" / "code-server"))
SERVER = Path(sys.executable).parent / "vc-lsp"
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
MS = 1000 * SAFETY  # Playwright's timeouts, a safety net only

# The README's example settings.json, as a user would have it; the test adds where its
# server and fake upstream are.
EXAMPLE = next(b for b in readme.blocks("vscode") if b.language == "json")


@pytest.fixture(scope="module")
def vsix(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The extension as `npm run package` makes it: the one .ci/run built from a copy of
    editors/vscode (VC_TEST_VSIX), else built here."""
    if os.environ.get("VC_TEST_VSIX"):
        return Path(os.environ["VC_TEST_VSIX"])
    if not (EXTENSION / "node_modules").exists():
        need(None, "the extension's node_modules (npm ci in editors/vscode)")
    npm = need("npm", "Node.js and npm")
    out = tmp_path_factory.mktemp("vsix")
    subprocess.run([npm, "run", "compile"], cwd=EXTENSION, check=True, capture_output=True)
    subprocess.run([npm, "run", "package", "--", "--out", str(out / "vc-lsp.vsix")],
                   cwd=EXTENSION, check=True, capture_output=True)
    return out / "vc-lsp.vsix"


def code_server() -> str:
    return need(str(CODE_SERVER / "node_modules" / ".bin" / "code-server"),
                "code-server (tests/editors/vscode/install-code-server.sh .cache/code-server)")


@dataclass
class Workbench:
    page: Any
    upstream: FakeUpstream

    async def open(self, name: str) -> None:
        """Click the file in the Explorer, as a person does."""
        await self.page.get_by_role("treeitem", name=name).click()
        await self.page.wait_for_selector(".monaco-editor .view-lines", timeout=MS)

    async def goto(self, line: int, end: bool = True) -> None:
        await self.page.keyboard.press("Control+G")
        await self.page.keyboard.type(str(line))
        await self.page.keyboard.press("Enter")
        if end:
            await self.page.keyboard.press("End")

    async def lines(self) -> list[str]:
        """The editor's text as shown, without ghost text."""
        return list(await self.page.evaluate(TEXT_JS))

    async def until(self, wanted: list[str]) -> None:
        compact = json.dumps(wanted, separators=(",", ":"))  # as JSON.stringify writes it
        await self.page.wait_for_function(f"() => JSON.stringify(({TEXT_JS})()) === "
                                          f"{json.dumps(compact)}", timeout=MS)

    async def ghost(self) -> str:
        await self.page.wait_for_selector(".ghost-text-decoration", timeout=MS)
        parts = await self.page.locator(".ghost-text-decoration").all_text_contents()
        return "".join(parts).replace("\xa0", " ")

    async def command(self, title: str) -> None:
        """Run a command from the palette by its title."""
        await self.page.keyboard.press("F1")
        await self.page.keyboard.type(title)
        option = self.page.locator(".quick-input-list .monaco-list-row", has_text=title).first
        await option.wait_for(timeout=MS)
        await self.page.keyboard.press("Enter")


TEXT_JS = """() => Array.from(document.querySelectorAll('.monaco-editor .view-lines .view-line'))
  .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
  .map(line => { const copy = line.cloneNode(true);
                 copy.querySelectorAll('.ghost-text-decoration, .ghost-text')
                     .forEach(e => e.remove());
                 return copy.textContent.replace(/\\u00a0/g, ' '); })"""


class Requests(list[Any]):
    """The fake's request log, telling when a request arrives (GET /models: the server is up)."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived = asyncio.Event()

    def append(self, item: Any) -> None:
        super().append(item)
        self.arrived.set()
        self.arrived = asyncio.Event()

    async def wait_path(self, path: str) -> None:
        async def wait() -> None:
            while not any(r.path == path for r in self):
                await self.arrived.wait()
        await asyncio.wait_for(wait(), SAFETY)


@contextlib.asynccontextmanager
async def vscode(tmp: Path, vsix: Path, files: dict[str, str]) -> AsyncIterator[Workbench]:
    binary = code_server()
    need(CHROMIUM, "Chromium (apt-get install chromium)")
    try:
        from playwright.async_api import async_playwright
    except ImportError:  # pragma: no cover - the test extra installs it
        need(None, "Playwright for Python (pip install playwright)")
    workspace, data, extensions = tmp / "ws", tmp / "data", tmp / "extensions"
    for folder in (workspace, data / "User", extensions):
        folder.mkdir(parents=True)
    for name, text in files.items():
        (workspace / name).write_text(text, encoding="utf-8")
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp / "config"),
           "XDG_DATA_HOME": str(tmp / "share"), "VISIONCODER_API_KEY": SECRET}
    env = {k: v for k, v in env.items() if not k.startswith("VC_LSP_")}
    install = await asyncio.create_subprocess_exec(
        binary, "--extensions-dir", str(extensions), "--user-data-dir", str(data),
        "--install-extension", str(vsix), env=env, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT)
    output, _ = await install.communicate()
    assert install.returncode == 0, f"code-server --install-extension: {output.decode()}"
    log = tmp / "vc-lsp.log"
    async with FakeUpstream(models=[*DEFAULT_MODELS, "gpt-5.4", "gpt-4.1-mini"]) as upstream:
        upstream.requests = Requests()
        settings = {**json.loads(EXAMPLE.code), "vcLsp.baseUrl": upstream.base_url,
                    "vcLsp.server.path": str(SERVER),
                    "vcLsp.server.args": ["--log-file", str(log), "--log-level", "DEBUG"],
                    "workbench.startupEditor": "none", "telemetry.telemetryLevel": "off",
                    "security.workspace.trust.enabled": False, "update.mode": "none",
                    "extensions.autoCheckUpdates": False, "workbench.tips.enabled": False}
        (data / "User" / "settings.json").write_text(json.dumps(settings), encoding="utf-8")
        proc = await asyncio.create_subprocess_exec(
            binary, "--auth", "none", "--bind-addr", "127.0.0.1:0", "--user-data-dir", str(data),
            "--extensions-dir", str(extensions), "--disable-telemetry", "--disable-update-check",
            "--disable-workspace-trust", str(workspace), env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        assert proc.stdout is not None
        try:
            url = await asyncio.wait_for(listening(proc.stdout), SAFETY)
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch_persistent_context(
                    str(tmp / "chrome"), executable_path=CHROMIUM, args=FLAGS,
                    viewport={"width": 1280, "height": 800})  # a fresh --user-data-dir
                page = browser.pages[0] if browser.pages else await browser.new_page()
                await page.goto(f"{url}?folder={workspace}")
                await page.wait_for_selector(".monaco-workbench", timeout=MS)
                bench = Workbench(page, upstream)
                try:
                    yield bench
                except BaseException:
                    with contextlib.suppress(Exception):
                        await page.screenshot(path=str(tmp / "failure.png"))
                        print(f"--- screenshot: {tmp / 'failure.png'}")
                    if log.exists():
                        print("--- server log (tail) ---\n" + "\n".join(
                            log.read_text("utf-8", "replace").split("\n")[-30:]))
                    raise
                finally:
                    await browser.close()
        finally:
            proc.terminate()
            await proc.wait()
            if log.exists():
                assert SECRET not in log.read_text("utf-8", "replace"), "the key reached the log"


async def listening(stdout: asyncio.StreamReader) -> str:
    """code-server's address, from its "HTTP server listening on ..." line."""
    while line := (await stdout.readline()).decode("utf-8", "replace"):
        if "HTTP server listening on" in line:
            return line.split("HTTP server listening on", 1)[1].split()[0]
    raise AssertionError("code-server exited before it listened")


DEMO = 'def greet(name):\n    s = "hi"; n = \n'
OLD_LOAD = ("def load(path):\n    f = open(path)\n    data = json.load(f)\n    f.close()\n"
            "    return data\n")
NEW_LOAD = ("def load(path):\n    with open(path) as f:\n        data = json.load(f)\n"
            "    return data\n")
APP = f'import json\n\n\n{OLD_LOAD}\n\nprint(load("x.json"))\n'


def lines_of(text: str) -> list[str]:
    return text.split("\n")


async def test_vscode_ghost_text_appears_and_tab_accepts_it(vsix: Path, tmp_path: Path) -> None:
    async with vscode(tmp_path, vsix, {"demo.py": DEMO}) as vs:
        vs.upstream.responder = lambda body: Reply.text("<completion>len(s) + 1</completion>")
        await vs.open("demo.py")
        await vs.upstream.requests.wait_path("/v1/models")  # the server is up
        await vs.goto(2)
        await vs.page.keyboard.type("l")  # mid-word: the suggestion goes on from "l"
        assert await vs.ghost() == "en(s) + 1"
        await vs.page.keyboard.press("Tab")
        await vs.until(lines_of(DEMO.replace("n = ", "n = len(s) + 1")))
        request = [r for r in vs.upstream.chat_requests  # not a next-edit prediction
                   if "<FILL_HERE>" in json.dumps(r.json["messages"])][-1]
        assert request.json["model"] == "gpt-4.1-mini"  # the README example's inline.model


async def test_vscode_edit_streams_and_typing_stops_it(vsix: Path, tmp_path: Path) -> None:
    async with vscode(tmp_path, vsix, {"app.py": APP}) as vs:
        answer = f"```python\n{NEW_LOAD}```\n"
        vs.upstream.enqueue(Reply.text(answer, chunks=answer.splitlines(keepends=True),
                                       delay=0.05))
        await vs.open("app.py")
        await vs.upstream.requests.wait_path("/v1/models")
        await vs.goto(5)
        await vs.command("vc-lsp: Edit with Instruction")
        await vs.page.wait_for_selector(".quick-input-widget input", timeout=MS)
        await vs.page.keyboard.type("use a with block")
        await vs.page.keyboard.press("Enter")
        await vs.until(lines_of(APP.replace(OLD_LOAD, NEW_LOAD)))
        assert "use a with block" in json.dumps(vs.upstream.chat_requests[-1].json["messages"])

        # Back to the original, then an edit that never ends, stopped by a keystroke.
        await vs.command("vc-lsp: Revert Last Edit")
        await vs.until(lines_of(APP))
        vs.upstream.enqueue(Reply.text(chunks=["```python\n", "def load(path):  # faster\n",
                                               "    pass\n"], endless=True, delay=0.05))
        await vs.goto(5)
        await vs.command("vc-lsp: Edit with Instruction")
        await vs.page.wait_for_selector(".quick-input-widget input", timeout=MS)
        await vs.page.keyboard.type("make it faster")
        await vs.page.keyboard.press("Enter")
        await vs.page.wait_for_function(
            f"() => ({TEXT_JS})().some(line => line.includes('# faster'))", timeout=MS)
        request = vs.upstream.chat_requests[-1]
        await vs.page.keyboard.press("Control+End")
        await vs.page.keyboard.type("#")
        await asyncio.wait_for(request.hung_up.wait(), SAFETY)
        await vs.until(lines_of(APP + "#"))  # the region is back, the keystroke is kept
        assert not request.completed


def test_the_extension_carries_the_servers_schema() -> None:
    ours = (EXTENSION / "settings.schema.json").read_text(encoding="utf-8")
    assert ours == (ROOT / "vc_lsp" / "settings.schema.json").read_text(encoding="utf-8"), (
        "run `npm run sync-settings` in editors/vscode and commit settings.schema.json")

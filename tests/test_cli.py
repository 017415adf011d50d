"""``vc-lsp doctor``, ``models`` and ``complete`` as a user runs them, against the fake upstream.

The fake upstream runs in the test's event loop, so the CLI runs as an asyncio subprocess. Every
run checks that the API key appears in neither stdout nor stderr.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import SECRET
from tests.fakes.upstream import FakeUpstream, RecordedRequest, Reply

WRONG_KEY = "sk-wrong-4b1d0e99-also-must-not-leak"


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


async def vc(*args: str, key: str | None = SECRET, env: dict[str, str] | None = None) -> Run:
    """Run ``python -m vc_lsp ARGS`` with a clean environment and the given key."""
    environ = {k: v for k, v in os.environ.items()
               if not k.startswith("VC_LSP_") and k != "VISIONCODER_API_KEY"}
    if key is not None:
        environ["VISIONCODER_API_KEY"] = key
    environ.update(env or {})
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "vc_lsp", *args, env=environ,
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    run = Run(proc.returncode if proc.returncode is not None else -1,
              out.decode("utf-8"), err.decode("utf-8"))
    for secret in (SECRET, WRONG_KEY):
        assert secret not in run.text, f"the API key was printed:\n{run.text}"
    return run


@pytest.fixture
async def keyed() -> AsyncIterator[FakeUpstream]:
    up = FakeUpstream(api_key=SECRET)
    await up.start()
    try:
        yield up
    finally:
        await up.stop()


def at(up: FakeUpstream, model: str = "fake-model") -> list[str]:
    return ["--base-url", up.base_url, "--model", model]


def closed_port() -> int:
    """A port on which nothing listens (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def user_prompt(req: RecordedRequest) -> str:
    return str(req.json["messages"][-1]["content"])


# --- doctor ---------------------------------------------------------------------------------


async def test_doctor_passes_and_times_the_stream(keyed: FakeUpstream) -> None:
    keyed.enqueue(Reply.text("ok", chunk_size=1))
    run = await vc("doctor", *at(keyed))
    assert run.code == 0, run.text
    assert "[ok]   key       VISIONCODER_API_KEY is set" in run.out
    assert f"GET {keyed.base_url}/models answered in" in run.out
    assert "[ok]   models    fake-model is listed" in run.out
    assert "fake-model answered 'ok': first token" in run.out and "total" in run.out
    assert "All checks passed." in run.out
    (req,) = keyed.chat_requests
    assert req.json["stream"] is True and req.json["model"] == "fake-model"
    assert req.headers["authorization"] == f"Bearer {SECRET}"


async def test_doctor_checks_each_configured_model(keyed: FakeUpstream) -> None:
    run = await vc("doctor", *at(keyed), "--set", "inline.model=fast-model")
    assert run.code == 0, run.text
    assert "fast-model is listed (completions)" in run.out
    assert "fake-model is listed (code actions)" in run.out
    assert sorted(r.json["model"] for r in keyed.chat_requests) == ["fake-model", "fast-model"]


async def test_doctor_wrong_key(keyed: FakeUpstream) -> None:
    run = await vc("doctor", *at(keyed), key=WRONG_KEY)
    assert run.code == 1
    assert "[FAIL] key" in run.out
    assert "rejected the API key in VISIONCODER_API_KEY" in run.out
    assert "next: the key in VISIONCODER_API_KEY is set but refused" in run.out
    assert "[skip] stream" in run.out
    assert not keyed.chat_requests  # nothing more is tried with a refused key


async def test_doctor_no_key_says_where_to_put_it(keyed: FakeUpstream) -> None:
    run = await vc("doctor", *at(keyed), key=None)
    assert run.code == 1
    assert "no API key. Set the environment variable VISIONCODER_API_KEY" in run.out
    assert "next: export VISIONCODER_API_KEY=<your key>" in run.out


async def test_doctor_wrong_url() -> None:
    url = f"http://127.0.0.1:{closed_port()}/v1"
    run = await vc("doctor", "--base-url", url)
    assert run.code == 1
    assert f"[FAIL] endpoint  cannot reach {url}" in run.out
    assert "Is the local server running" in run.out
    assert "[skip] models" in run.out and "[skip] stream" in run.out


async def test_doctor_base_url_without_v1(keyed: FakeUpstream) -> None:
    keyed.enqueue(Reply.error(404, "Unknown route"))
    run = await vc("doctor", "--base-url", keyed.base_url.removesuffix("/v1"))
    assert run.code == 1
    assert "has no model list" in run.out and "usually ending in /v1" in run.out


async def test_doctor_unknown_model(keyed: FakeUpstream) -> None:
    keyed.enqueue(Reply.error(404))
    run = await vc("doctor", *at(keyed, "gpt-nope"))
    assert run.code == 1
    assert "[FAIL] models    gpt-nope (completions and code actions) is not in the model list" \
        in run.out
    assert "Listed: fake-model, fast-model." in run.out
    assert "[FAIL] stream    gpt-nope: model 'gpt-nope' is not available" in run.out


async def test_doctor_reports_bad_settings(keyed: FakeUpstream, tmp_path: Path) -> None:
    settings = tmp_path / "settings.json"
    settings.write_text(json.dumps({"vcLsp": {"inline": {"maxLine": 3}}}))
    run = await vc("doctor", *at(keyed), "--settings", str(settings))
    assert run.code == 0, run.text
    assert "[warn] settings" in run.out and "inline.maxLines" in run.out


# --- models ---------------------------------------------------------------------------------


async def test_models_lists_ids(keyed: FakeUpstream) -> None:
    run = await vc("models", *at(keyed))
    assert run.code == 0, run.text
    assert run.out.splitlines() == ["fake-model", "fast-model"]
    assert "fake-model: listed" in run.err
    run = await vc("models", "--json", *at(keyed, "gpt-nope"))
    assert json.loads(run.out) == ["fake-model", "fast-model"]
    assert "gpt-nope: NOT listed" in run.err


async def test_models_errors(keyed: FakeUpstream) -> None:
    run = await vc("models", *at(keyed), key=WRONG_KEY)
    assert run.code == 1 and not run.out
    assert "rejected the API key" in run.err and "next:" in run.err
    url = f"http://127.0.0.1:{closed_port()}/v1"
    run = await vc("models", "--base-url", url)
    assert run.code == 1 and f"cannot reach {url}" in run.err


# --- complete -------------------------------------------------------------------------------


async def test_complete_prints_the_cleaned_completion(keyed: FakeUpstream,
                                                      tmp_path: Path) -> None:
    src = tmp_path / "add.py"
    src.write_text("def add(a, b):\n    return \n\nprint(add(1, 2))\n", encoding="utf-8")
    keyed.enqueue(Reply.text("<completion>a + b</completion>"))
    run = await vc("complete", f"{src}:2:12", *at(keyed))
    assert run.code == 0, run.text
    assert run.out == "a + b\n"
    assert "1 suggestion from fake-model in" in run.err
    (req,) = keyed.chat_requests
    assert "    return <FILL_HERE>\n" in user_prompt(req)
    assert '<file path="add.py" language="python">' in user_prompt(req)


async def test_complete_columns_count_characters(keyed: FakeUpstream, tmp_path: Path) -> None:
    """1-based LINE:COL in characters: CJK and an emoji (two UTF-16 units) count as one."""
    src = tmp_path / "greet.ts"
    src.write_text('const s = "日本語😀"; const n = \n', encoding="utf-8")
    col = len('const s = "日本語😀"; const n = ') + 1
    keyed.enqueue(Reply.text("<completion>s.length;</completion>"))
    run = await vc("complete", f"{src}:1:{col}", "--json", *at(keyed))
    assert run.code == 0, run.text
    result = json.loads(run.out)
    assert result["items"] == ["s.length;"] and result["model"] == "fake-model"
    prompt = user_prompt(keyed.chat_requests[0])
    assert 'const s = "日本語😀"; const n = <FILL_HERE>' in prompt
    assert 'language="typescript"' in prompt


async def test_complete_line_only_means_end_of_line(keyed: FakeUpstream,
                                                    tmp_path: Path) -> None:
    src = tmp_path / "a.py"
    src.write_text("import os\nx = os.\n", encoding="utf-8")
    keyed.enqueue(Reply.text("<completion>getcwd()</completion>"))
    run = await vc("complete", f"{src}:2", *at(keyed))
    assert run.code == 0, run.text
    assert run.out == "getcwd()\n"
    assert "x = os.<FILL_HERE>\n" in user_prompt(keyed.chat_requests[0])


async def test_complete_uses_settings_file_and_set(keyed: FakeUpstream, tmp_path: Path) -> None:
    src = tmp_path / "a.py"
    src.write_text("x = \n", encoding="utf-8")
    settings = tmp_path / "vc.json"
    settings.write_text(json.dumps({"vcLsp": {"baseUrl": keyed.base_url, "model": "fast-model",
                                              "inline": {"maxTokens": 99}}}))
    keyed.enqueue(Reply.text("<completion>1</completion>"))
    run = await vc("complete", f"{src}:1:5", "--settings", str(settings),
                   "--set", "inline.temperature=0", "--show-prompt")
    assert run.code == 0, run.text
    body = keyed.chat_requests[0].json
    assert (body["model"], body["max_tokens"], body["temperature"]) == ("fast-model", 99, 0)
    assert "----- user -----" in run.err and "x = <FILL_HERE>" in run.err


async def test_complete_bad_locations(tmp_path: Path) -> None:
    src = tmp_path / "a.py"
    src.write_text("ab\n", encoding="utf-8")
    cases = {f"{src}": (2, "expected FILE:LINE:COL"), f"{src}:1:0": (2, "start at 1"),
             f"{src}:1:4": (1, "COL goes from 1 to 3"), f"{src}:9:1": (1, "line 9 is past"),
             f"{tmp_path / 'missing.py'}:1:1": (1, "no such file")}
    runs = await asyncio.gather(*(vc("complete", where) for where in cases))
    for (where, (code, words)), run in zip(cases.items(), runs, strict=True):
        assert (run.code, words in run.err) == (code, True), (where, run.err)


async def test_complete_errors(keyed: FakeUpstream, tmp_path: Path) -> None:
    src = tmp_path / "a.py"
    src.write_text("x = \n", encoding="utf-8")
    keyed.enqueue(Reply.error(401), Reply.error(404))
    run = await vc("complete", f"{src}:1:5", *at(keyed), key=WRONG_KEY)
    assert run.code == 1 and not run.out
    assert "rejected the API key in VISIONCODER_API_KEY" in run.err
    run = await vc("complete", f"{src}:1:5", *at(keyed, "gpt-nope"))
    assert run.code == 1
    assert "model 'gpt-nope' is not available" in run.err and "vc-lsp models" in run.err
    url = f"http://127.0.0.1:{closed_port()}/v1"
    run = await vc("complete", f"{src}:1:5", "--base-url", url)
    assert run.code == 1 and f"cannot reach {url}" in run.err


async def test_version_and_help_stay_quick_paths() -> None:
    run = await vc("--version")
    assert run.code == 0 and run.out.startswith("vc-lsp ")
    run = await vc("--help")
    assert run.code == 0
    assert all(name in run.out for name in ("doctor", "models", "complete"))

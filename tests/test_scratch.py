"""Scratch files (explanations) live in a private per-user folder and are never written or
deleted through a link or in a folder someone else made."""

from __future__ import annotations

import os
import stat
import time
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from tests.conftest import options
from tests.fakes.upstream import FakeUpstream, Reply
from tests.rawlsp import RawServer
from vc_lsp import scratch
from vc_lsp.actions import explain

DAY = 24 * 3600
posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX modes and links")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def aged(path: Path, seconds: float = 2 * DAY) -> Path:
    old = time.time() - seconds
    os.utime(path, (old, old), follow_symlinks=False)
    return path


def test_the_folder_is_the_users_cache_not_a_shared_temp(monkeypatch: pytest.MonkeyPatch,
                                                        tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    where = explain.folder()
    if os.name == "posix" and os.uname().sysname == "Linux":
        assert where == tmp_path / "cache" / "vc-lsp" / "explanations"
    assert tmp_path / "tmp" not in where.parents


@posix_only
def test_folder_is_0700_and_files_0600_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        path = scratch.create(tmp_path / "vc-lsp" / "explanations", "a.md", "# hi\n", keep_s=DAY)
    finally:
        os.umask(old)
    assert path.read_text() == "# hi\n"
    assert mode(path.parent) == 0o700 and mode(path) == 0o600


@posix_only
def test_an_open_folder_of_ours_is_made_private(tmp_path: Path) -> None:
    folder = tmp_path / "explanations"
    folder.mkdir()
    folder.chmod(0o777)
    scratch.create(folder, "a.md", "x", keep_s=DAY)
    assert mode(folder) == 0o700


@posix_only
def test_a_planted_symlink_is_replaced_and_its_target_left_alone(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.mkdir()
    precious = victim / "notes.md"
    precious.write_text("mine")
    aged(precious)
    folder = tmp_path / "explanations"
    folder.symlink_to(victim)
    path = scratch.create(folder, "a.md", "x", keep_s=DAY)
    assert not folder.is_symlink() and folder.is_dir() and mode(folder) == 0o700
    assert path.parent == folder and path.read_text() == "x"
    assert sorted(p.name for p in victim.iterdir()) == ["notes.md"]
    assert precious.read_text() == "mine"


@posix_only
def test_a_planted_file_name_is_never_written_through(tmp_path: Path) -> None:
    folder = tmp_path / "explanations"
    folder.mkdir(mode=0o700)
    target = tmp_path / "elsewhere.md"
    target.write_text("untouched")
    (folder / "a.md").symlink_to(target)
    with pytest.raises(OSError):
        scratch.create(folder, "a.md", "overwritten?", keep_s=DAY)
    assert target.read_text() == "untouched"


@posix_only
def test_cleanup_removes_only_our_old_regular_files(tmp_path: Path) -> None:
    folder = tmp_path / "explanations"
    folder.mkdir(mode=0o700)
    old = folder / "old.md"
    old.write_text("old")
    aged(old)
    fresh = folder / "fresh.md"
    fresh.write_text("fresh")
    other = folder / "keep.txt"
    other.write_text("not ours to judge")
    aged(other)
    outside = tmp_path / "outside.md"
    outside.write_text("outside")
    aged(outside)
    link = folder / "link.md"
    link.symlink_to(outside)
    aged(link)
    scratch.create(folder, "new.md", "new", keep_s=DAY)
    assert sorted(p.name for p in folder.iterdir()) == ["fresh.md", "keep.txt", "link.md",
                                                         "new.md"]
    assert outside.read_text() == "outside"


@posix_only
@pytest.mark.skipif(os.name == "posix" and os.geteuid() != 0, reason="needs root to chown")
def test_another_users_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "explanations"
    folder.mkdir(mode=0o777)
    theirs = folder / "theirs.md"
    theirs.write_text("theirs")
    aged(theirs)
    os.chown(theirs, 65534, 65534)
    os.chown(folder, 65534, 65534)
    with pytest.raises(scratch.ScratchError, match="another user"):
        scratch.create(folder, "a.md", "x", keep_s=DAY)
    assert [p.name for p in folder.iterdir()] == ["theirs.md"]


@pytest.mark.parametrize("name", ["", "..", "a/b.md", "nul\0.md"])
def test_only_plain_names_are_written(tmp_path: Path, name: str) -> None:
    with pytest.raises(scratch.ScratchError):
        scratch.create(tmp_path / "explanations", name, "x", keep_s=DAY)


@pytest.fixture
async def server(upstream: FakeUpstream, tmp_path: Path) -> AsyncIterator[RawServer]:
    cache = tmp_path / "cache"
    raw = await RawServer.start(tmp_path / "server.log",
                                env={"XDG_CACHE_HOME": str(cache),
                                     "TMPDIR": str(tmp_path / "tmp"),
                                     "VC_LSP_BASE_URL": upstream.base_url})
    await raw.initialize(options(upstream, {"actions": {"throttleMs": 0}}, None))
    yield raw
    raw.kill()
    await raw.proc.wait()


@posix_only
async def test_the_server_writes_explanations_privately(server: RawServer, upstream: FakeUpstream,
                                                        tmp_path: Path) -> None:
    upstream.enqueue(Reply.text("It adds two numbers.\n"))
    uri = "file:///project/app.py"
    server.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "python", "version": 0,
        "text": "def add(a, b):\n    return a + b\n"}})
    answer = await server.request("workspace/executeCommand", {
        "command": "vc.explain", "arguments": [{"uri": uri, "range": {
            "start": {"line": 0, "character": 0}, "end": {"line": 1, "character": 0}}}]})
    assert "error" not in answer
    while not any(r["method"] == "window/showDocument" for r in server.server_requests):
        await server.wait_answered([server.send_request("vc/stats")])
    shown = next(r for r in server.server_requests if r["method"] == "window/showDocument")
    path = Path(unquote(urlparse(shown["params"]["uri"]).path))
    assert path.parent == tmp_path / "cache" / "vc-lsp" / "explanations"
    assert mode(path.parent) == 0o700 and mode(path) == 0o600

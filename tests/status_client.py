"""A test client that keeps every ``didChangeStatus`` the server sends, and what it needs to
check the usage file and the why reports: a real server process per session, against the fake
upstream, with its own state folder (the usage file) that tests can read with ``vc-lsp usage``.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import LanguageClient
from pytest_lsp.client import register_lsp_features

from tests.conftest import (
    SAFETY,
    SECRET,
    capabilities,
    options,
    start_server,
    stop_and_check_secret,
)
from tests.fakes.upstream import FakeUpstream

STATUS = "didChangeStatus"


class StatusClient(LanguageClient):
    """pytest-lsp's client, keeping the statuses in order."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.statuses: list[dict[str, Any]] = []
        self.status_changed = asyncio.Event()
        self.state_home = Path()

    def got_status(self, params: Any) -> None:
        self.statuses.append(_plain(params))
        self.status_changed.set()

    async def wait_status(self, test: Callable[[dict[str, Any]], bool],
                          after: int = 0) -> dict[str, Any]:
        """The first status from index ``after`` on that passes ``test`` (waits for it)."""
        async def wait() -> dict[str, Any]:
            while True:
                for status in self.statuses[after:]:
                    if test(status):
                        return status
                self.status_changed.clear()
                await self.status_changed.wait()
        return await asyncio.wait_for(wait(), SAFETY)

    async def why(self, uri: str | None = None) -> dict[str, Any]:
        params = {"uri": uri} if uri else None
        return _plain(await self.protocol.send_request_async("vc/why", params))


def _plain(value: Any) -> Any:
    """Whatever pygls made of a JSON object, as plain dicts and lists."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple) and not hasattr(value, "_asdict"):
        return [_plain(v) for v in value]
    if hasattr(value, "_asdict"):
        return {k: _plain(v) for k, v in value._asdict().items()}
    if hasattr(value, "__dict__") and not isinstance(value, type):
        return {k: _plain(v) for k, v in vars(value).items()}
    return value


def factory() -> StatusClient:
    client = StatusClient(converter_factory=default_converter)
    register_lsp_features(client)
    client.feature(STATUS)(lambda ls, params: ls.got_status(params))
    return client


Session = Callable[..., Any]


def status_sessions(upstream: FakeUpstream, tmp_path: Path) -> Session:
    """``async with session(**opts) as client``; ``state`` is the usage file's state folder,
    shared by every session of the test unless given."""

    count = [0]

    @asynccontextmanager
    async def session(*, settings: dict[str, Any] | None = None, inline: bool = True,
                      progress: bool = False, show_document: bool = False,
                      state: Path | None = None, env: dict[str, str] | None = None
                      ) -> AsyncIterator[StatusClient]:
        count[0] += 1
        log_file = tmp_path / f"server-{count[0]}.log"
        home = state or tmp_path / "state"
        cache = tmp_path / "cache"  # vc.why's report files
        client = await start_server(log_file, {"XDG_STATE_HOME": str(home),
                                               "VC_LSP_BASE_URL": upstream.base_url,
                                               "XDG_CACHE_HOME": str(cache), **(env or {})},
                                    factory)
        assert isinstance(client, StatusClient)
        client.state_home = home
        opts = options(upstream, {"inline": {"debounceMs": 0}}, settings)
        client.init_result = await client.initialize_session(types.InitializeParams(
            capabilities=capabilities(inline=inline, progress=progress,
                                      show_document=show_document),
            initialization_options=opts))
        try:
            yield client
        finally:
            await stop_and_check_secret(client, log_file)

    return session


async def vc_cli(*args: str, state: Path, env: dict[str, str] | None = None
                 ) -> tuple[int, str, str]:
    """``python -m vc_lsp ARGS`` with the test's state folder; never prints the key."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("VC_LSP_")}
    environ.update({"XDG_STATE_HOME": str(state), "VISIONCODER_API_KEY": SECRET, **(env or {})})
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "vc_lsp", *args, env=environ, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    text = out.decode() + err.decode()
    assert SECRET not in text
    return proc.returncode or 0, out.decode(), err.decode()


async def usage_json(state: Path, *args: str) -> dict[str, Any]:
    code, out, err = await vc_cli("usage", "--json", *args, state=state)
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data

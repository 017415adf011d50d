"""End-to-end harness: the real server as a subprocess over stdio, a real fake upstream on TCP."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.fakes.upstream import FakeUpstream
from vc_lsp.messages import fits

SECRET = "sk-test-7f3a9c2e-do-not-leak-0123456789"
SAFETY = 20.0  # seconds; only guards against a hung test, never part of an assertion
ENCODINGS = {"utf-8": types.PositionEncodingKind.Utf8, "utf-16": types.PositionEncodingKind.Utf16,
             "utf-32": types.PositionEncodingKind.Utf32}


@pytest.fixture(autouse=True, scope="session")
def _private_state(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Every server and command the tests start keeps its usage file in the test's folder,
    never in the user's state folder (the editor tests set their own as well)."""
    os.environ["XDG_STATE_HOME"] = str(tmp_path_factory.mktemp("state"))


@pytest.fixture
async def upstream() -> AsyncIterator[FakeUpstream]:
    async with FakeUpstream() as up:
        yield up


def capabilities(*, encoding: str = "utf-16", inline: bool = True, config_pull: bool = False,
                 progress: bool = False, show_document: bool = True,
                 code_actions: bool = False) -> types.ClientCapabilities:
    """What the test clients declare: an inline-capable editor by default; ``code_actions``
    adds what a client that applies streamed edits declares (literal actions, versioned edits)."""
    code_action = types.CodeActionClientCapabilities(
        code_action_literal_support=types.ClientCodeActionLiteralOptions(
            code_action_kind=types.ClientCodeActionKindOptions(value_set=[
                "", "quickfix", "refactor", "refactor.rewrite", "source"])),
        disabled_support=True) if code_actions else None
    return types.ClientCapabilities(
        general=types.GeneralClientCapabilities(position_encodings=[ENCODINGS[encoding]]),
        text_document=types.TextDocumentClientCapabilities(
            inline_completion=types.InlineCompletionClientCapabilities() if inline else None,
            completion=types.CompletionClientCapabilities(),
            code_action=code_action,
            synchronization=types.TextDocumentSyncClientCapabilities(did_save=True)
            if code_actions else None,
        ),
        workspace=types.WorkspaceClientCapabilities(
            configuration=config_pull, apply_edit=True,
            workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=True)
            if code_actions else None),
        window=types.WindowClientCapabilities(
            work_done_progress=progress,
            show_document=types.ShowDocumentClientCapabilities(support=show_document)),
    )


Session = Callable[..., Any]


@pytest.fixture
def lsp(upstream: FakeUpstream, tmp_path: Path) -> Session:
    """``async with lsp(**opts) as client``: a server under test wired to the fake upstream.

    Every session's log file and messages are checked for the API key when it ends.
    """

    sessions: list[None] = []

    @asynccontextmanager
    async def session(*, inline: bool = True, encoding: str = "utf-16",
                      settings: dict[str, Any] | None = None, env: dict[str, str] | None = None,
                      config_pull: bool = False) -> AsyncIterator[LanguageClient]:
        sessions.append(None)
        log_file = tmp_path / f"server-{len(sessions)}.log"
        client = await start_server(log_file, {"VC_LSP_BASE_URL": upstream.base_url, **(env or {})})
        opts = options(upstream, {"inline": {"debounceMs": 0}}, settings)
        client.init_result = await client.initialize_session(types.InitializeParams(
            capabilities=capabilities(inline=inline, encoding=encoding, config_pull=config_pull),
            initialization_options=opts,
        ))
        try:
            yield client
        finally:
            await stop_and_check_secret(client, log_file)

    return session


async def start_server(log_file: Path, env: dict[str, str] | None = None,
                       client_factory: Callable[[], LanguageClient] | None = None
                       ) -> LanguageClient:
    """``python -m vc_lsp`` at DEBUG into ``log_file``, with the test key, no VC_LSP_* vars of
    the developer's and a user config folder of its own (no settings file, nothing trusted)."""
    server_env = {k: val for k, val in os.environ.items() if not k.startswith("VC_LSP_")}
    # The usage file goes to the test's folder, never the user's state folder.
    server_env.update({"VISIONCODER_API_KEY": SECRET,
                       "XDG_CONFIG_HOME": str(log_file.parent / f"{log_file.stem}-config"),
                       "XDG_STATE_HOME": str(log_file.parent / "state"), **(env or {})})
    config = ClientServerConfig(
        server_command=[sys.executable, "-m", "vc_lsp", "--log-level", "DEBUG",
                        "--log-file", str(log_file)],
        server_env=server_env,
        **({"client_factory": client_factory} if client_factory else {}),
    )
    client: LanguageClient = await config.start()  # type: ignore[assignment]
    return client


def options(upstream: FakeUpstream, defaults: dict[str, Any],
            settings: dict[str, Any] | None) -> dict[str, Any]:
    """initializationOptions pointing at the fake; ``settings`` merged one level deep."""
    opts: dict[str, Any] = {"baseUrl": upstream.base_url, "model": "fake-model", **defaults}
    for key, value in (settings or {}).items():
        merged = isinstance(value, dict) and isinstance(opts.get(key), dict)
        opts[key] = {**opts[key], **value} if merged else value
    return opts


# An explanation shown as a message (actions/explain.py): "app.py, lines 4-8:\n\n...", the one
# message that is allowed more than a line, as it is the answer itself.
_EXPLANATION = re.compile(r"[^\n]+, lines? \d+(-\d+)?:\n\n")


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.exists() else ""


async def stop_and_check_secret(client: LanguageClient, log_file: Path) -> None:
    """Shut the server down, then prove the API key reached no log line and no message."""
    await client.shutdown_session()
    await client.stop()
    assert SECRET not in _read(log_file)
    assert all(SECRET not in m.message for m in client.messages)
    too_long = [m.message for m in client.messages if not fits(m.message)
                and not _EXPLANATION.match(m.message)]
    assert not too_long, f"messages wider than one 80-column line: {too_long}"


def open_doc(client: LanguageClient, uri: str, text: str, language: str = "python",
             version: int = 0) -> None:
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id=language, version=version,
                                             text=text)))


def inline_params(uri: str, line: int, character: int, *,
                  invoked: bool = False) -> types.InlineCompletionParams:
    kind = (types.InlineCompletionTriggerKind.Invoked if invoked
            else types.InlineCompletionTriggerKind.Automatic)
    return types.InlineCompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        position=types.Position(line=line, character=character),
        context=types.InlineCompletionContext(trigger_kind=kind),
    )


async def inline_texts(client: LanguageClient, uri: str, line: int, character: int,
                       **kw: Any) -> list[str]:
    result = await client.text_document_inline_completion_async(
        inline_params(uri, line, character, **kw))
    items = result.items if isinstance(result, types.InlineCompletionList) else (result or [])
    return [item.insert_text if isinstance(item.insert_text, str) else item.insert_text.value
            for item in items]


def change(client: LanguageClient, uri: str, version: int, line: int, character: int,
           text: str) -> None:
    """An insertion at a position, as an editor sends it for one keystroke."""
    pos = types.Position(line=line, character=character)
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[types.TextDocumentContentChangePartial(
            range=types.Range(start=pos, end=pos), text=text)],
    ))


async def wait_message(client: LanguageClient, contains: str) -> types.ShowMessageParams:
    """Await a ``window/showMessage`` containing ``contains`` (no sleeping; SAFETY at most)."""
    async def wait() -> types.ShowMessageParams:
        while True:
            for message in client.messages:
                if contains.lower() in message.message.lower():
                    return message
            await client.wait_for_notification(types.WINDOW_SHOW_MESSAGE)
    return await asyncio.wait_for(wait(), SAFETY)


Waiter = Callable[[], Awaitable[None]]

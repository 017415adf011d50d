"""A real terminal for an editor: a private tmux server, 80x24, typed into with ``send-keys``.

Why tmux: the editor runs its own event loop, timers and screen exactly as under a person's
terminal, and keys arrive as bytes on its tty, so key bindings, prompts and "Press ENTER" all
behave as they would for a user. The screen is read with ``capture-pane`` to check what a person
would see, never to wait for something: waits go through the editor's event channel.
"""

from __future__ import annotations

import asyncio
import contextlib
import shlex
import shutil
from pathlib import Path

COLUMNS, LINES = 80, 24


def tmux() -> str | None:
    return shutil.which("tmux")


class Terminal:
    def __init__(self, folder: Path) -> None:
        self.socket = folder / "tmux.sock"
        self.started = False

    async def _tmux(self, *args: str) -> str:
        binary = tmux()
        assert binary is not None
        proc = await asyncio.create_subprocess_exec(
            binary, "-S", str(self.socket), *args,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        out, err = await proc.communicate()
        if proc.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(args)}: {err.decode().strip()}")
        return out.decode("utf-8", "replace")

    async def start(self, argv: list[str], *, cwd: Path, env: dict[str, str]) -> None:
        """Run ``argv`` in a fresh 80x24 window; ``env`` is its whole environment."""
        env = {"TERM": "tmux-256color", **env}
        command = "exec env -i " + " ".join(
            shlex.quote(f"{k}={v}") for k, v in sorted(env.items())) + " " + shlex.join(argv)
        # No delay after Escape (as a person's Esc), and the pane stays after the editor exits,
        # so a crash leaves its last screen to report.
        config = self.socket.with_name("tmux.conf")
        config.write_text("set -g escape-time 0\nset -g remain-on-exit on\n"
                          f"set -g default-terminal {env['TERM']}\n")
        await self._tmux("-f", str(config), "new-session", "-d", "-x", str(COLUMNS), "-y",
                         str(LINES), "-c", str(cwd), command)
        self.started = True

    async def keys(self, *keys: str) -> None:
        """tmux key names, one per argument: ``"C-c"``, ``"Enter"``, ``"Escape"``, ``"M-x"``."""
        await self._tmux("send-keys", "-t", "0", *keys)

    async def type(self, text: str) -> None:
        """Literal text, as typed."""
        await self._tmux("send-keys", "-t", "0", "-l", text)

    async def screen(self) -> str:
        return await self._tmux("capture-pane", "-p", "-t", "0")

    async def close(self) -> None:
        if self.started:
            with contextlib.suppress(RuntimeError):
                await self._tmux("kill-server")
            self.started = False

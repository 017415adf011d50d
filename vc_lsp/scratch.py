"""Scratch files (explanations) in a private per-user folder, never in a shared /tmp.

The folder is ``<user cache>/vc-lsp/<kind>`` (platformdirs: ``$XDG_CACHE_HOME`` or ``~/.cache``
on Linux, ``~/Library/Caches`` on macOS, ``%LOCALAPPDATA%`` on Windows). On POSIX the folder is
opened without following a symbolic link and checked before anything is written: it must be a
folder of this user (a symlink in its place is replaced by a real folder; another user's folder
is refused) and it is made 0700. Files are created 0600 inside the opened folder with
``O_EXCL | O_NOFOLLOW``, so a name swapped or planted in between cannot redirect a write, and
cleaning up old files unlinks only this user's regular files there, never through a link.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import stat
import time
from pathlib import Path

log = logging.getLogger(__name__)
APP = "vc-lsp"
_POSIX = os.name == "posix"
_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0) \
    | getattr(os, "O_CLOEXEC", 0)
_FILE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) \
    | getattr(os, "O_CLOEXEC", 0)


class ScratchError(OSError):
    """The folder cannot be used privately; the caller falls back to not writing a file."""


def folder(kind: str) -> Path:
    import platformdirs

    return platformdirs.user_cache_path(APP, appauthor=False) / kind


def create(directory: Path, name: str, text: str, *, keep_s: float) -> Path:
    """A new file ``name`` in ``directory`` holding ``text``, after removing this user's files
    there older than ``keep_s`` seconds. Raises ``OSError`` (``ScratchError`` when the folder is
    not private) and writes nothing then."""
    if name in ("", ".", "..") or any(c in name for c in ("/", os.sep, "\0")):
        raise ScratchError(errno.EINVAL, f"not a file name: {name!r}")
    if not _POSIX:  # per-user folders there are private by their ACLs
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / name
        with path.open("x", encoding="utf-8") as file:
            file.write(text)
        return path
    fd = open_private(directory)
    try:
        _clean(fd, name.rpartition(".")[2], keep_s)
        file_fd = os.open(name, _FILE_FLAGS, 0o600, dir_fd=fd)
        with os.fdopen(file_fd, "w", encoding="utf-8") as file:
            file.write(text)
    finally:
        os.close(fd)
    return directory / name


def open_private(directory: Path) -> int:
    """A file descriptor of ``directory``, created if needed, this user's and 0700."""
    directory.parent.mkdir(parents=True, exist_ok=True)
    for attempt in (1, 2):
        with contextlib.suppress(FileExistsError):
            os.mkdir(directory, 0o700)
        try:
            fd = os.open(directory, _DIR_FLAGS)
        except OSError as exc:
            if attempt == 1 and exc.errno in (errno.ELOOP, errno.ENOTDIR) \
                    and directory.is_symlink():
                log.warning("%s was a symbolic link; replacing it with a private folder",
                            directory)
                os.unlink(directory)  # removes the link itself, never what it points to
                continue
            raise ScratchError(exc.errno, f"{directory} cannot be used as a private folder "
                                          f"({exc.strerror})") from exc
        info = os.fstat(fd)
        if info.st_uid != os.getuid():
            os.close(fd)
            raise ScratchError(errno.EPERM, f"{directory} belongs to another user")
        if stat.S_IMODE(info.st_mode) & 0o077:
            os.fchmod(fd, 0o700)
        return fd
    raise ScratchError(errno.ELOOP, f"{directory} keeps turning into a symbolic link")


def _clean(fd: int, suffix: str, keep_s: float) -> None:
    cutoff = time.time() - keep_s
    uid = os.getuid()
    with os.scandir(fd) as entries:
        for entry in entries:
            if not entry.name.endswith("." + suffix):
                continue
            try:
                info = entry.stat(follow_symlinks=False)
                if stat.S_ISREG(info.st_mode) and info.st_uid == uid \
                        and info.st_mtime < cutoff:
                    os.unlink(entry.name, dir_fd=fd)
            except OSError as exc:
                log.debug("could not remove the old scratch file %s: %s", entry.name, exc)

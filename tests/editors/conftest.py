"""Shared by the real-editor tests: finding each editor, the fake upstream, per-test timings.

An editor that is not installed skips its tests locally, with the reason; under CI (``CI`` set,
where ``.ci/run`` installs every editor) it fails them instead, so a broken install cannot pass
as green.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from tests.fakes.upstream import DEFAULT_MODELS, FakeUpstream

_TIMES: list[tuple[str, float, str]] = []


def need(binary: str | None, what: str) -> str:
    """``binary`` (a path or a name on PATH), or skip/fail naming ``what`` to install."""
    found = binary if binary and os.path.isabs(binary) and os.path.exists(binary) else (
        shutil.which(binary) if binary else None)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{what} is not installed; .ci/run installs it")
        pytest.skip(f"{what} is not installed")
    return found


@pytest.fixture
async def upstream() -> AsyncIterator[FakeUpstream]:
    """The fake, listing the model the READMEs' examples set (gpt-5.4) as well."""
    async with FakeUpstream(models=[*DEFAULT_MODELS, "gpt-5.4"]) as up:
        yield up


@pytest.fixture(autouse=True)
def _timed(request: pytest.FixtureRequest) -> Iterator[None]:
    start = time.perf_counter()
    yield
    if "test_readme_blocks" not in request.node.nodeid:  # a unit test, no editor
        _TIMES.append((request.node.nodeid, time.perf_counter() - start, ""))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _TIMES:
        return
    terminalreporter.section("real-editor test times")
    for nodeid, seconds, _ in _TIMES:
        terminalreporter.write_line(f"{seconds:7.2f} s  {nodeid}")
    terminalreporter.write_line(f"{sum(s for _, s, _ in _TIMES):7.2f} s  in all")

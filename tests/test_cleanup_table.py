"""The post-processing table (tests/cleanup_cases/) through ``clean``, one test per case."""

from __future__ import annotations

import pytest

from tests.cleanup_cases import Case, all_cases, at_cursor
from vc_lsp.inline.cleanup import clean

CASES = all_cases()


@pytest.mark.parametrize("c", CASES, ids=[c.id for c in CASES])
def test_clean(c: Case) -> None:
    assert clean(c.raw, at_cursor(c.doc, c.language), max_lines=c.max_lines) == c.expected

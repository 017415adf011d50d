"""Command arguments: the object form every editor config uses, and the positional form."""

from __future__ import annotations

import pytest
from lsprotocol import types

from vc_lsp.actions import catalog
from vc_lsp.handlers.actions import BadArguments, parse

EDIT = catalog.EDIT
RANGE = {"start": {"line": 1, "character": 0}, "end": {"line": 3, "character": 0}}


def test_object_form() -> None:
    request = parse(EDIT, ({"uri": "file:///a.py", "range": RANGE, "instruction": "async"},))
    assert (request.uri, request.instruction) == ("file:///a.py", "async")
    assert request.range == types.Range(types.Position(1, 0), types.Position(3, 0))


def test_positional_form_for_clients_that_pass_plain_values() -> None:
    request = parse(EDIT, ("file:///a.py", RANGE, "make it async"))
    assert (request.uri, request.instruction) == ("file:///a.py", "make it async")
    assert request.range == types.Range(types.Position(1, 0), types.Position(3, 0))
    assert parse(EDIT, ("file:///a.py",)).range is None
    sublime = parse(EDIT, ({"uri": "file:///a.py"}, RANGE))  # $document_id, $range
    assert sublime.uri == "file:///a.py" and sublime.range is not None


@pytest.mark.parametrize("args", [(), (42,), ({"range": RANGE},), ("file:///a.py", "bad")])
def test_bad_arguments_say_what_is_expected(args: tuple[object, ...]) -> None:
    with pytest.raises(BadArguments, match="uri"):
        parse(EDIT, args)

"""The VS Code extension's settings must mirror vc_lsp/settings.schema.json exactly.

editors/vscode/scripts/settings.mjs generates them (``npm run sync-settings``) and its ``--check``
runs in ``npm run compile``; this test repeats the check in Python so that changing the schema
without regenerating fails the Python suite too, even where Node is not installed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VSCODE = ROOT / "editors" / "vscode"
SCHEMA: dict[str, Any] = json.loads((ROOT / "vc_lsp" / "settings.schema.json").read_text("utf-8"))
PACKAGE: dict[str, Any] = json.loads((VSCODE / "package.json").read_text("utf-8"))
COPIED = ("type", "default", "items", "minimum", "maximum", "enum", "pattern", "minLength",
          "scope", "description")
FIX = "run `npm run sync-settings` in editors/vscode and commit package.json"


def expected_properties() -> dict[str, dict[str, Any]]:
    """Every schema leaf as ``vcLsp.<dotted key>``, in schema order, as the generator writes it."""
    out: dict[str, dict[str, Any]] = {}

    def walk(node: dict[str, Any], prefix: str) -> None:
        for key, sub in node["properties"].items():
            dotted = f"{prefix}.{key}"
            if sub.get("type") == "object" and "properties" in sub:
                walk(sub, dotted)
                continue
            prop = {field: sub[field] for field in COPIED if field in sub}
            prop["order"] = len(out)
            out[dotted] = prop

    walk(SCHEMA, SCHEMA["title"])
    return out


def categories() -> list[dict[str, Any]]:
    configuration = PACKAGE["contributes"]["configuration"]
    assert isinstance(configuration, list) and len(configuration) == 2
    return configuration


def test_server_settings_are_generated_from_the_schema() -> None:
    actual = categories()[0]["properties"]
    expected = expected_properties()
    assert list(actual) == list(expected), f"keys differ from the schema; {FIX}"
    for key, prop in expected.items():
        assert actual[key] == prop, f"{key} differs from the schema; {FIX}"


def test_extension_settings_do_not_shadow_server_settings() -> None:
    own = categories()[1]["properties"]
    assert set(own) == {"vcLsp.server.path", "vcLsp.server.args", "vcLsp.trace.server"}
    server = set(categories()[0]["properties"])
    top = {key.split(".")[1] for key in server}
    assert not {key.split(".")[1] for key in own} & top, "an extension setting hides a server one"


def test_commands_are_contributed_and_registered() -> None:
    source = (VSCODE / "src" / "extension.ts").read_text("utf-8")
    contributed = {c["command"] for c in PACKAGE["contributes"]["commands"]}
    assert {"vcLsp.explain", "vcLsp.edit", "vcLsp.cancel", "vcLsp.revert"} <= contributed
    for command in contributed:
        assert f"registerCommand('{command}'" in source, f"{command} is not registered"
    for server_command in ("vc.explain", "vc.edit", "vc.fix", "vc.cancel", "vc.revert"):
        assert f"'{server_command}'" in source


def test_lock_file_matches_package_json() -> None:
    lock = json.loads((VSCODE / "package-lock.json").read_text("utf-8"))
    root = lock["packages"][""]
    assert (lock["name"], lock["version"]) == (PACKAGE["name"], PACKAGE["version"])
    assert root.get("dependencies", {}) == PACKAGE["dependencies"]
    assert root.get("devDependencies", {}) == PACKAGE["devDependencies"]
    ignored = (VSCODE / ".gitignore").read_text("utf-8").split()
    assert {"node_modules/", "out/"} <= set(ignored)

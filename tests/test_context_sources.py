"""The sources besides definitions (similar code, recent edits), their switches and the budget."""

from __future__ import annotations

from pathlib import Path

from vc_lsp.config import ContextSettings, Settings
from vc_lsp.context import ContextService, PromptContext
from vc_lsp.documents import Document, new_document
from vc_lsp.inline.context import cut

SIMILAR = """def load_orders(session, customer_id):
    query = session.query(Order).filter(Order.customer_id == customer_id)
    rows = query.order_by(Order.created_at.desc()).limit(50).all()
    return [serialize_order(row) for row in rows]
"""


def opened(uri: str, text: str, language: str = "python", *, version: int = 0) -> Document:
    """A document as the editor has it open (the context hooks take documents)."""
    return new_document(uri, text, version=version, language_id=language)


def service(tmp_path: Path, **context: object) -> tuple[ContextService, Settings]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "pyproject.toml").write_text("")
    settings = Settings(context=ContextSettings(**context))  # type: ignore[arg-type]
    return ContextService(settings, lambda: [str(tmp_path)]), settings


def ask(svc: ContextService, settings: Settings, uri: str, text: str, offset: int
        ) -> PromptContext:
    ctx = cut(text, offset, language="python", path=uri, prefix_chars=6000, suffix_chars=2000)
    return svc.inline(uri, text, offset, "python", 0,
                      (offset - len(ctx.prefix), offset + len(ctx.suffix)), settings)


def current(tmp_path: Path) -> tuple[str, str, int]:
    text = ("def load_invoices(session, customer_id):\n"
            "    query = session.query(Invoice).filter(Invoice.customer_id == customer_id)\n"
            "    rows = query.order_by(Invoice.created_at.desc()).limit(50).all()\n"
            "    \n")
    return (tmp_path / "invoices.py").as_uri(), text, len(text) - 1


def test_similar_code_from_another_open_file(tmp_path: Path) -> None:
    svc, settings = service(tmp_path)
    svc.on_open(opened((tmp_path / "orders.py").as_uri(), SIMILAR))
    uri, text, offset = current(tmp_path)
    svc.on_open(opened(uri, text))
    pc = ask(svc, settings, uri, text, offset)
    [similar] = [s for s in pc.snippets if s.kind == "similar"]
    assert similar.path == "orders.py" and "serialize_order(row)" in similar.text
    off, off_settings = service(tmp_path / "x", similar_code=False)
    off.on_open(opened((tmp_path / "orders.py").as_uri(), SIMILAR))
    off.on_open(opened(uri, text))
    assert not [s for s in ask(off, off_settings, uri, text, offset).snippets
                if s.kind == "similar"]


def test_recent_edits_elsewhere_but_not_the_one_being_typed(tmp_path: Path) -> None:
    svc, settings = service(tmp_path)
    other = (tmp_path / "orders.py").as_uri()
    svc.on_open(opened(other, SIMILAR))
    svc.on_change(opened(other, SIMILAR.replace("limit(50)", "limit(page_size)"), version=1), [])
    uri, text, offset = current(tmp_path)
    svc.on_open(opened(uri, text))
    typed = text[:offset] + "ret" + text[offset:]
    svc.on_change(opened(uri, typed, version=1), [])
    pc = ask(svc, settings, uri, typed, offset + 3)
    edits = [s for s in pc.snippets if s.kind == "edit"]
    assert [e.path for e in edits] == ["orders.py"]
    assert "+    rows = query.order_by(Order.created_at.desc()).limit(page_size).all()" \
        in edits[0].text
    off, off_settings = service(tmp_path / "y", recent_edits=False)
    off.on_open(opened(other, SIMILAR))
    off.on_change(opened(other, SIMILAR.replace("limit(50)", "limit(9)"), version=1), [])
    off.on_open(opened(uri, text))
    assert not [s for s in ask(off, off_settings, uri, text, offset).snippets
                if s.kind == "edit"]


def test_an_excluded_or_ignored_open_file_is_never_context(tmp_path: Path) -> None:
    svc, settings = service(tmp_path)
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("vendor/\n")
    for rel in ("secrets.py", "vendor/orders.py"):
        uri = (tmp_path / rel).as_uri()
        svc.on_open(opened(uri, SIMILAR))
        svc.on_change(opened(uri, SIMILAR + "\nx = 1\n", version=1), [])
    uri, text, offset = current(tmp_path)
    svc.on_open(opened(uri, text))
    pc = ask(svc, settings, uri, text, offset)
    assert pc.snippets == () and pc.near == ()
    assert svc.excluded((tmp_path / "secrets.py").as_uri()) == "secrets.*"
    assert svc.excluded((tmp_path / "vendor/orders.py").as_uri()) is None  # ignored, not excluded


def test_the_budget_caps_the_context(tmp_path: Path) -> None:
    for tokens in (0, 60, 300, 2048):
        svc, settings = service(tmp_path / str(tokens), inline_tokens=tokens)
        for i in range(6):
            svc.on_open(opened((tmp_path / f"m{i}.py").as_uri(), SIMILAR.replace("Order", f"O{i}")))
        uri, text, offset = current(tmp_path)
        svc.on_open(opened(uri, text))
        pc = ask(svc, settings, uri, text, offset)
        assert sum(s.size for s in (*pc.snippets, *pc.near)) <= tokens * 4


def test_file_paths_can_be_only_base_names(tmp_path: Path) -> None:
    svc, _ = service(tmp_path, file_path=False)
    uri = (tmp_path / "src" / "deep" / "mod.py").as_uri()
    svc.on_open(opened(uri, "x = 1\n"))
    assert svc.shown(uri) == "mod.py"
    on, _ = service(tmp_path / "z")
    assert on.shown((tmp_path / "z" / "src" / "mod.py").as_uri()) == "src/mod.py"

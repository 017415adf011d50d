"""Cross-file definitions: every import form of each language resolves to what the code needs.

Each case is a small project on disk: the current file (with a ``|`` cursor), files that are
open in the editor (``opened``) and files that only exist on disk, and the text of the
definition the right completion needs. The case passes when that text is in the context the
engine hands to the prompt builder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from vc_lsp.config import ContextSettings, Settings
from vc_lsp.context import ContextService, PromptContext
from vc_lsp.documents import Document, new_document
from vc_lsp.inline.context import cut


def opened(uri: str, text: str, language: str = "python", *, version: int = 0) -> Document:
    """A document as the editor has it open (the context hooks take documents)."""
    return new_document(uri, text, version=version, language_id=language)


@dataclass(frozen=True)
class Case:
    name: str
    language: str
    files: dict[str, str]
    current: str
    wanted: tuple[str, ...]
    opened: tuple[str, ...] = ()
    unwanted: tuple[str, ...] = field(default=())


def context_for(tmp_path: Path, case: Case, settings: Settings | None = None
                ) -> PromptContext:
    settings = settings or Settings()
    for rel, text in case.files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.replace("|", ""), encoding="utf-8")
    service = ContextService(settings, lambda: [str(tmp_path)])
    for rel in case.opened:
        path = tmp_path / rel
        service.on_open(opened(path.as_uri(), path.read_text("utf-8"), case.language))
    raw = case.files[case.current]
    offset = raw.index("|")
    text = raw.replace("|", "")
    uri = (tmp_path / case.current).as_uri()
    service.on_open(opened(uri, text, case.language))
    ctx = cut(text, offset, language=case.language, path=uri, prefix_chars=6000,
              suffix_chars=2000)
    window = (offset - len(ctx.prefix), offset + len(ctx.suffix))
    return service.inline(uri, text, offset, case.language, 0, window, settings)


def everything(pc: PromptContext) -> str:
    return "\n".join(s.text for s in (*pc.snippets, *pc.near))


PY_PKG = {"pyproject.toml": "", "app/__init__.py": ""}
CASES = [
    # -- Python ---------------------------------------------------------------------------------
    Case("py-from-import", "python", {
        **PY_PKG,
        "app/geometry.py": "def area(width: float, height: float) -> float:\n"
                           "    return width * height\n",
        "app/main.py": "from app.geometry import area\n\nsize = area(|)\n"},
        "app/main.py", ("def area(width: float, height: float) -> float",)),
    Case("py-module-alias", "python", {
        **PY_PKG,
        "app/text_utils.py": "def slugify(title: str, sep: str = '-') -> str:\n"
                             "    return sep.join(title.lower().split())\n",
        "app/main.py": "import app.text_utils as tu\n\nslug = tu.slugify(|)\n"},
        "app/main.py", ("def slugify(title: str, sep: str = '-') -> str",)),
    Case("py-relative-module", "python", {
        **PY_PKG,
        "app/mailer.py": "def send(to: str, subject: str, body: str) -> bool:\n"
                         "    return True\n",
        "app/main.py": "from . import mailer\n\n\ndef notify(user):\n    mailer.send(|)\n"},
        "app/main.py", ("def send(to: str, subject: str, body: str) -> bool",)),
    Case("py-class-methods-via-annotation", "python", {
        **PY_PKG,
        "app/repo.py": "class UserRepo:\n"
                       "    def find_by_email(self, email: str) -> 'User | None':\n"
                       "        ...\n\n"
                       "    def save(self, user: 'User') -> None:\n"
                       "        ...\n",
        "app/main.py": "from .repo import UserRepo\n\n\n"
                       "def login(repo: UserRepo, email: str):\n"
                       "    user = repo.|\n"},
        "app/main.py", ("def find_by_email(self, email: str)",)),
    Case("py-constant", "python", {
        **PY_PKG,
        "app/settings.py": "RETRY_LIMIT = 5\nTIMEOUT_S = 2.5\n",
        "app/main.py": "from app.settings import RETRY_LIMIT\n\n"
                       "for attempt in range(|):\n    pass\n"},
        "app/main.py", ("RETRY_LIMIT = 5",)),
    Case("py-reexport-init", "python", {
        **PY_PKG,
        "app/models/__init__.py": "from .order import Order\n",
        "app/models/order.py": "class Order:\n    def total(self) -> float:\n"
                               "        return 0.0\n",
        "app/main.py": "from app.models import Order\n\norder = Order()\nvalue = order.|\n"},
        "app/main.py", ("def total(self) -> float",)),
    Case("py-open-file-without-import", "python", {
        "scripts/helpers.py": "def parse_line(line: str) -> list[str]:\n"
                              "    return line.split(',')\n",
        "scripts/run.py": "from helpers import *\n\nfields = parse_line(|)\n"},
        "scripts/run.py", ("def parse_line(line: str) -> list[str]",),
        opened=("scripts/helpers.py",)),
    Case("py-variable-named-after-its-class", "python", {
        "models.py": "class ShoppingCart:\n"
                     "    def add_item(self, sku: str, qty: int = 1) -> None:\n"
                     "        ...\n",
        "checkout.py": "def fill(shopping_cart, skus):\n    for sku in skus:\n"
                       "        shopping_cart.|\n"},
        "checkout.py", ("def add_item(self, sku: str, qty: int = 1) -> None",),
        opened=("models.py",)),
    Case("py-dotted-chain", "python", {
        **PY_PKG,
        "app/billing/__init__.py": "",
        "app/billing/tax.py": "def vat(amount: float, country: str) -> float:\n"
                              "    return amount * 0.2\n",
        "app/main.py": "import app.billing.tax\n\nx = app.billing.tax.vat(|)\n"},
        "app/main.py", ("def vat(amount: float, country: str) -> float",)),
    # -- TypeScript / JavaScript ---------------------------------------------------------------
    Case("ts-default-import", "typescript", {
        "package.json": "{}",
        "src/money.ts": "export default function formatMoney(cents: number, currency: string)"
                        ": string {\n  return `${cents / 100} ${currency}`;\n}\n",
        "src/app.ts": "import formatMoney from './money';\n\nconst label = formatMoney(|);\n"},
        "src/app.ts", ("export default function formatMoney(cents: number, currency: string)",)),
    Case("ts-namespace-import", "typescript", {
        "package.json": "{}",
        "src/strings.ts": "export function slugify(text: string): string {\n"
                          "  return text.toLowerCase();\n}\n",
        "src/app.ts": "import * as strings from './strings';\n\nconst s = strings.slugify(|);\n"},
        "src/app.ts", ("export function slugify(text: string): string",)),
    Case("ts-barrel-reexport", "typescript", {
        "package.json": "{}",
        "src/models/user.ts": "export interface User {\n  id: string;\n  email: string;\n}\n",
        "src/models/index.ts": "export * from './user';\n",
        "src/app.ts": "import { User } from './models';\n\n"
                      "function greet(u: User) {\n  return u.|\n}\n"},
        "src/app.ts", ("export interface User",)),
    Case("ts-js-extension-and-alias", "typescript", {
        "package.json": "{}",
        "tsconfig.json": '{\n  // paths\n  "compilerOptions": {"baseUrl": ".", '
                         '"paths": {"@lib/*": ["src/lib/*"]},},\n}\n',
        "src/lib/clock.ts": "export const now = (): number => Date.now();\n"
                            "export function sleep(ms: number): Promise<void> {\n"
                            "  return new Promise((r) => setTimeout(r, ms));\n}\n",
        "src/app.ts": "import { sleep } from '@lib/clock.js';\n\nawait sleep(|);\n"},
        "src/app.ts", ("export function sleep(ms: number): Promise<void>",)),
    Case("ts-class-method-open", "typescript", {
        "package.json": "{}",
        "src/queue.ts": "export class JobQueue {\n"
                        "  enqueue(name: string, payload: object, delayMs = 0): string {\n"
                        "    return name;\n  }\n}\n",
        "src/app.ts": "import { JobQueue } from './queue';\n\n"
                      "const q = new JobQueue();\nq.enqueue(|);\n"},
        "src/app.ts", ("enqueue(name: string, payload: object, delayMs = 0): string",),
        opened=("src/queue.ts",)),
    Case("js-require-destructured", "javascript", {
        "package.json": "{}",
        "lib/parse.js": "function parseCsv(text, delimiter = ',') {\n"
                        "  return text.split('\\n').map((l) => l.split(delimiter));\n}\n"
                        "module.exports = { parseCsv };\n",
        "index.js": "const { parseCsv } = require('./lib/parse');\n\nconst rows = parseCsv(|);\n"},
        "index.js", ("function parseCsv(text, delimiter = ',')",)),
    Case("ts-enum-and-type", "typescript", {
        "package.json": "{}",
        "src/status.ts": "export enum Status { Active = 'active', Banned = 'banned' }\n"
                         "export type UserId = string;\n",
        "src/app.ts": "import { Status, UserId } from './status';\n\n"
                      "function ban(id: UserId) {\n  return Status.|\n}\n"},
        "src/app.ts", ("export enum Status", "export type UserId = string")),
    # -- Go -------------------------------------------------------------------------------------
    Case("go-aliased-import", "go", {
        "go.mod": "module example.com/shop\n",
        "internal/models/user.go": "package models\n\n"
                                   "type User struct {\n\tID    int\n\tEmail string\n}\n",
        "main.go": "package main\n\nimport m \"example.com/shop/internal/models\"\n\n"
                   "func main() {\n\tu := m.User{|}\n}\n"},
        "main.go", ("type User struct",)),
    Case("go-same-package", "go", {
        "go.mod": "module example.com/shop\n",
        "cart/total.go": "package cart\n\n// Sum adds prices.\n"
                         "func Sum(prices []int, discount int) int {\n\treturn 0\n}\n",
        "cart/cart.go": "package cart\n\nfunc Checkout(prices []int) int {\n"
                        "\treturn Sum(|)\n}\n"},
        "cart/cart.go", ("func Sum(prices []int, discount int) int",)),
    Case("go-constant", "go", {
        "go.mod": "module example.com/shop\n",
        "limits/limits.go": "package limits\n\nconst MaxItems = 50\n",
        "main.go": "package main\n\nimport \"example.com/shop/limits\"\n\n"
                   "func ok(n int) bool {\n\treturn n < limits.|\n}\n"},
        "main.go", ("MaxItems = 50",)),
    Case("go-method-on-returned-type", "go", {
        "go.mod": "module example.com/shop\n",
        "db/db.go": "package db\n\ntype Conn struct{ dsn string }\n\n"
                    "func Open(dsn string) (*Conn, error) { return &Conn{dsn}, nil }\n\n"
                    "func (c *Conn) Query(sql string, args ...any) ([]Row, error) {\n"
                    "\treturn nil, nil\n}\n\ntype Row map[string]any\n",
        "main.go": "package main\n\nimport \"example.com/shop/db\"\n\n"
                   "func main() {\n\tc, _ := db.Open(\"x\")\n\trows, err := c.|\n}\n"},
        "main.go", ("func (c *Conn) Query(sql string, args ...any) ([]Row, error)",)),
    # -- Rust -----------------------------------------------------------------------------------
    Case("rust-module-path-call", "rust", {
        "Cargo.toml": "[package]\nname = \"app\"\n",
        "src/main.rs": "mod util;\n\nfn main() {\n    let n = util::clamp(|);\n}\n",
        "src/util.rs": "pub fn clamp(value: i64, low: i64, high: i64) -> i64 {\n"
                       "    value.max(low).min(high)\n}\n"},
        "src/main.rs", ("pub fn clamp(value: i64, low: i64, high: i64) -> i64",)),
    Case("rust-nested-module-and-group", "rust", {
        "Cargo.toml": "[package]\nname = \"app\"\n",
        "src/lib.rs": "pub mod net;\n",
        "src/net/mod.rs": "pub mod http;\n",
        "src/net/http.rs": "pub struct Request { pub url: String }\n"
                           "pub enum Method { Get, Post }\n",
        "src/client.rs": "use crate::net::http::{Method, Request};\n\n"
                         "fn send(r: Request) {\n    let m = Method::|;\n}\n"},
        "src/client.rs", ("pub enum Method { Get, Post }", "pub struct Request")),
    Case("rust-super-and-trait", "rust", {
        "Cargo.toml": "[package]\nname = \"app\"\n",
        "src/lib.rs": "pub mod shapes;\n",
        "src/shapes/mod.rs": "pub mod grow;\npub trait Area {\n"
                             "    fn area(&self) -> f64;\n    fn scale(&mut self, k: f64);\n}\n",
        "src/shapes/grow.rs": "use super::Area;\n\n"
                              "pub fn double(shape: &mut impl Area) {\n    shape.|\n}\n"},
        "src/shapes/grow.rs", ("fn scale(&mut self, k: f64);",)),
    Case("rust-const-crate-path", "rust", {
        "Cargo.toml": "[package]\nname = \"my-app\"\n",
        "src/main.rs": "mod config;\nuse my_app::config::MAX_CONNECTIONS;\n\n"
                       "fn main() {\n    let pool = Vec::with_capacity(|);\n}\n",
        "src/lib.rs": "pub mod config;\n",
        "src/config.rs": "pub const MAX_CONNECTIONS: usize = 32;\n"},
        "src/main.rs", ("pub const MAX_CONNECTIONS: usize = 32",)),
    # -- Java -----------------------------------------------------------------------------------
    Case("java-import-class", "java", {
        "src/main/java/com/acme/model/Invoice.java":
            "package com.acme.model;\n\npublic class Invoice {\n"
            "    public long totalCents() { return 0; }\n"
            "    public String currency() { return \"EUR\"; }\n}\n",
        "src/main/java/com/acme/app/Main.java":
            "package com.acme.app;\n\nimport com.acme.model.Invoice;\n\n"
            "class Main {\n    long due(Invoice inv) {\n        return inv.|\n    }\n}\n"},
        "src/main/java/com/acme/app/Main.java", ("public long totalCents()",)),
    Case("java-same-package", "java", {
        "src/com/acme/Pricing.java": "package com.acme;\n\nclass Pricing {\n"
                                     "    static double withTax(double net, double rate) {\n"
                                     "        return net * (1 + rate);\n    }\n}\n",
        "src/com/acme/Shop.java": "package com.acme;\n\nclass Shop {\n"
                                  "    double pay(double net) {\n"
                                  "        return Pricing.withTax(|);\n    }\n}\n"},
        "src/com/acme/Shop.java", ("static double withTax(double net, double rate)",)),
    Case("java-static-import", "java", {
        "src/com/acme/util/Strings.java": "package com.acme.util;\n\n"
                                          "public final class Strings {\n"
                                          "    public static String pad(String s, int width) {\n"
                                          "        return s;\n    }\n}\n",
        "src/com/acme/App.java": "package com.acme;\n\nimport static com.acme.util.Strings.pad;\n\n"
                                 "class App {\n    String f(String s) { return pad(|); }\n}\n"},
        "src/com/acme/App.java", ("public static String pad(String s, int width)",)),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_the_definition_the_cursor_needs_is_in_the_context(tmp_path: Path, case: Case) -> None:
    text = everything(context_for(tmp_path, case))
    for wanted in case.wanted:
        assert wanted in text, f"{case.name}: {wanted!r} not in\n{text}"


def test_definitions_can_be_turned_off(tmp_path: Path) -> None:
    case = CASES[0]
    settings = Settings(context=ContextSettings(definitions=False))
    assert everything(context_for(tmp_path, case, settings)) == ""


def test_the_same_snippets_give_the_same_text(tmp_path: Path) -> None:
    first = context_for(tmp_path / "a", CASES[3])
    second = context_for(tmp_path / "b", CASES[3])
    assert first == second


def test_the_name_being_typed_brings_its_definitions_from_far_up_the_file(tmp_path: Path) -> None:
    """The word before the cursor is a prefix of names defined in this file outside the file
    window: the shortest names starting with it come along, even when more than a dozen longer
    ones sort before them, and nothing else does."""
    steps = "".join(f"def comp_step_{i:02d}_of_the_pipeline():\n    return {i}\n\n\n"
                    for i in range(16))  # sort before "compute": "_" < "u"
    head = ("def compute(values):\n    return sum(values)\n\n\n"
            "def compute_total(items, rate):\n    return compute(items) * rate\n\n\n"
            "def computer_name():\n    return 'host'\n\n\n"
            "def render(page):\n    return page\n\n\n")
    filler = "".join(f"value_{i} = {i}\n" for i in range(800))  # well past the 6000-char window
    case = Case("py-typed-prefix", "python",
                {"app/main.py": steps + head + filler + "total = comp|\n"}, "app/main.py", ())
    near = "\n".join(s.text for s in context_for(tmp_path, case).near)
    for wanted in ("def compute(values)", "def compute_total(items, rate)",
                   "def computer_name()"):
        assert wanted in near, f"{wanted!r} not in\n{near}"
    assert "comp_step" not in near and "def render" not in near and "value_1" not in near

"""Post-processing of raw chat answers: what lands in the buffer for realistic model output.

Each case is a document with a ``|`` cursor marker, a raw answer as a chat model really sends it,
and exactly the text a user would want inserted at the cursor.
"""

from __future__ import annotations

import itertools

import pytest

from vc_lsp.inline.context import CursorContext, cut
from vc_lsp.inline.postprocess import block_end, clean, is_complete
from vc_lsp.upstream.think import ThinkFilter, strip_think

CURSOR = "|"
EXTENSIONS = {"python": "py", "javascript": "js", "typescript": "ts", "go": "go", "rust": "rs",
              "c": "c", "java": "java", "ruby": "rb", "yaml": "yaml"}


def at_cursor(doc: str, language: str = "python") -> CursorContext:
    """The context the server would cut for ``doc`` with the cursor at its single ``|``."""
    assert doc.count(CURSOR) == 1, "a case needs exactly one cursor marker"
    before, after = doc.split(CURSOR)
    return cut(before + after, len(before), language=language,
               path=f"/project/main.{EXTENSIONS.get(language, 'txt')}",
               prefix_chars=6000, suffix_chars=2000)


ADD = "def add(a, b):\n    |\n"
EVEN = "def is_even(n):\n    |\n"
TOTAL = "def total(xs):\n    acc = 0\n    |\n"
TOTAL_BODY = "for x in xs:\n        acc += x\n    return acc"
GO_SUM = "func Sum(xs []int) int {\n\ttotal := 0\n\t|\n}\n"
GO_SUM_BODY = "for _, x := range xs {\n\t\ttotal += x\n\t}\n\treturn total"
TABLE = "\n" + "\n".join(f"    print({i})" for i in range(20))

CLEAN_CASES = [
    # -- wrappers: tags, fences, prose, reasoning ------------------------------------------------
    pytest.param("python", ADD, "<completion>return a + b</completion>", "return a + b",
                 id="py-tagged"),
    pytest.param("python", ADD, "<completion>\nreturn a + b\n</completion>", "return a + b",
                 id="py-tags-on-own-lines"),
    pytest.param("python", "import os\n\npath = os.path.|\n", "join(base, name)",
                 "join(base, name)", id="py-bare-answer"),
    pytest.param("python", EVEN, "```python\n    return n % 2 == 0\n```", "return n % 2 == 0",
                 id="py-fence-only"),
    pytest.param("python", EVEN,
                 "Here is the completion:\n\n```python\nreturn n % 2 == 0\n```\n\n"
                 "This returns True when n is even.",
                 "return n % 2 == 0", id="py-fence-prose-before-and-after"),
    pytest.param("python", "def f(x):\n    |\n",
                 "Here's the body, using `x = x + 1` first:\n```python\nx = x + 1\nreturn x\n```",
                 "x = x + 1\n    return x", id="py-prose-with-inline-code-before-fence"),
    pytest.param("yaml", "app:\n  |\n", "Title: The main application server.",
                 "Title: The main application server.", id="yaml-key-is-not-prose"),
    pytest.param("python", EVEN, "Here is the completion:\nreturn n % 2 == 0",
                 "return n % 2 == 0", id="py-prose-without-fence"),
    pytest.param("python", EVEN,
                 "Sure! Here's the missing code:\n<completion>return n % 2 == 0</completion>",
                 "return n % 2 == 0", id="py-prose-then-tags"),
    pytest.param("python", EVEN, "<completion>\n```python\nreturn n % 2 == 0\n```\n</completion>",
                 "return n % 2 == 0", id="py-fence-inside-tags"),
    pytest.param("python", ADD,
                 "<think>\nThe body should add both arguments.\n</think>\n"
                 "<completion>return a + b</completion>",
                 "return a + b", id="py-think-then-answer"),
    pytest.param("python", ADD,
                 "Okay, the user wants the sum of a and b.\n</think>\n\nreturn a + b",
                 "return a + b", id="py-reasoning-closed-by-stray-think-tag"),
    pytest.param("python", ADD,
                 "Let me look at the function. It adds two numbers, so the body is a return.\n"
                 "<completion>return a + b</completion>",
                 "return a + b", id="py-reasoning-before-tags"),
    pytest.param("python", ADD,
                 "The cursor is inside add, so the body must return the sum.\n\nreturn a + b",
                 "return a + b", id="py-reasoning-line-bare"),
    pytest.param("python", ADD, "`return a + b`", "return a + b", id="py-inline-code-ticks"),
    pytest.param("javascript", "const greeting = |\n", "`Hello ${name}`;", "`Hello ${name}`;",
                 id="js-template-literal-kept"),
    pytest.param("python", "def f(x):\n    |\n", "```python\ndef f(x):\n    return x + 1\n```",
                 "return x + 1", id="py-fenced-echo-of-def"),
    pytest.param("python", ADD, "<FILL_HERE>return a + b", "return a + b",
                 id="py-hole-marker-echoed"),
    pytest.param("python", "x = |\n", "42  \nThis sets x to the answer.", "42",
                 id="py-single-line-trailing-prose"),
    pytest.param("javascript", "const sum = (a, b) => |\n",
                 "```\na + b;\n```\nThe arrow function returns the sum.", "a + b;",
                 id="js-fence-no-language-prose-after"),
    # -- nothing useful -------------------------------------------------------------------------
    pytest.param("python", ADD, "", "", id="empty"),
    pytest.param("python", ADD, "  \n\t\n", "", id="whitespace"),
    pytest.param("python", ADD, "<completion></completion>", "", id="empty-tags"),
    pytest.param("python", ADD, "<completion>\n</completion>", "", id="empty-tags-newline"),
    pytest.param("python", ADD, "```python\n```", "", id="empty-fence"),
    pytest.param("python", ADD, "I cannot complete this code.", "", id="prose-only"),
    pytest.param("python", "def f(x):\n    |\n    return x\n", "return x", "",
                 id="py-answer-is-next-line"),
    pytest.param("python", "def f(x):\n    y = x * 2\n    |\n    return y\n",
                 "<completion>return y\n</completion>", "", id="py-tagged-next-line"),
    pytest.param("python", "def f(x):|\n    return x\n", "\n    return x", "",
                 id="py-body-is-next-line"),
    pytest.param("python", "print(|)\n", ")", "", id="py-only-the-suffix"),
    pytest.param("python", "x = 1|\ny = 2\n", "y = 2", "", id="py-end-of-line-next-line"),
    # -- echo of the prefix ---------------------------------------------------------------------
    pytest.param("python",
                 "def total(items):\n    result = 0\n    for item in items:\n"
                 "        result += |\n    return result\n",
                 "result += item.price * item.qty", "item.price * item.qty",
                 id="py-echo-current-line"),
    pytest.param("python", "def area(r):\n    pi = 3.14159\n    return pi * |\n",
                 "def area(r):\n    pi = 3.14159\n    return pi * r * r", "r * r",
                 id="py-echo-two-lines-and-current"),
    pytest.param("python", "def mean(xs):\n    total = sum(xs)\n    |\n",
                 "    total = sum(xs)\n    return total / len(xs)", "return total / len(xs)",
                 id="py-echo-previous-line"),
    pytest.param("python", "def double(x):\n    ret|\n", "return x * 2", "urn x * 2",
                 id="py-restart-partial-word"),
    pytest.param("python", "class User:\n    def __init__(self, name):\n        self.na|\n",
                 "<completion>self.name = name</completion>", "me = name",
                 id="py-restart-attribute"),
    pytest.param("python", "total = price * q|\n", "quantity", "uantity",
                 id="py-restart-one-letter"),
    pytest.param("python", "x = 1|\nz = 3\n", "<completion>\nprint(x)\n</completion>", "",
                 id="py-next-line-not-glued-onto-finished-line"),
    pytest.param("python", "x = |\n", "<completion>\n42\n</completion>", "42",
                 id="py-break-after-tag-is-formatting"),
    pytest.param("python", "def f(x):\n    return |\n", " x + 1", "x + 1",
                 id="py-space-already-typed"),
    pytest.param("python", "def greet(name):|\n",
                 "def greet(name):\n    return f\"Hello, {name}!\"",
                 "\n    return f\"Hello, {name}!\"", id="py-echo-def-line-then-body"),
    pytest.param("javascript", "const url = new URL(|);\n", "new URL(path, base);",
                 "path, base", id="js-restart-expression"),
    # -- the suffix: closers, quotes, rest of the line ------------------------------------------
    pytest.param("python", "    x = compute(a, |b)\n", "a + 1, ", "a + 1, ",
                 id="py-keep-space-before-suffix"),
    pytest.param("python", "result = [x for x in |]\n", "range(10)]", "range(10)",
                 id="py-comprehension-bracket"),
    pytest.param("javascript", "const s = `Hello ${|}`;\n", "name}`;", "name",
                 id="js-template-literal-hole"),
    pytest.param("python", "print(|)\n", "len(x)", "len(x)", id="py-keep-balanced-call"),
    pytest.param("python", "print(|)\n", "len(x))", "len(x)", id="py-drop-duplicate-paren"),
    pytest.param("python", 'print("|")\n', 'Hello, world!")', "Hello, world!",
                 id="py-drop-quote-paren"),
    pytest.param("python", 'raise ValueError("|")\n', 'The value must be positive.")',
                 "The value must be positive.", id="py-sentence-inside-string"),
    pytest.param("javascript", "const config = { plugins: [|] };\n", "react(), legacy()] };",
                 "react(), legacy()", id="js-drop-bracket-brace"),
    pytest.param("javascript", "const el = document.querySelector(|);\n", '"#app")',
                 '"#app"', id="js-drop-paren-keep-string"),
    pytest.param("javascript", "const total = items.reduce((sum, item) => |, 0);\n",
                 "sum + item.price, 0);", "sum + item.price", id="js-rest-of-line-retyped"),
    pytest.param("python", "if user.is_active and |:\n    grant()\n",
                 'user.has_perm("edit"):\n    grant()', 'user.has_perm("edit")',
                 id="py-mid-line-keeps-first-line"),
    pytest.param("c", "for (int i = 0; i < n; |) {\n", "i++) {", "i++", id="c-for-header"),
    pytest.param("rust", "fn main() {\n    let name = String::from(|);\n}\n", '"world");',
                 '"world"', id="rust-call-suffix"),
    pytest.param("java",
                 "public class Main {\n    public static void main(String[] args) {\n"
                 "        System.out.println(|);\n    }\n}\n",
                 '"Hello, World!");', '"Hello, World!"', id="java-println"),
    pytest.param("go", "func main() {\n\tfmt.Println(|)\n}\n", '"hello")', '"hello"',
                 id="go-single-line"),
    # -- multi-line: body placement and indentation ---------------------------------------------
    pytest.param("python", "def greet(name):|\n", '\n    return f"Hello, {name}!"',
                 '\n    return f"Hello, {name}!"', id="py-def-body-on-new-line"),
    pytest.param("python", "def greet(name):|\n", '    return f"Hello, {name}!"',
                 '\n    return f"Hello, {name}!"', id="py-def-body-indented-not-broken"),
    pytest.param("python", "class Greeter:\n    def greet(self, name):|\n",
                 '\n    return f"Hello, {name}!"', '\n        return f"Hello, {name}!"',
                 id="py-method-body-relative"),
    pytest.param("python", TOTAL, "    for x in xs:\n        acc += x\n    return acc",
                 TOTAL_BODY, id="py-indented-line-absolute"),
    pytest.param("python", TOTAL, TOTAL_BODY, TOTAL_BODY, id="py-indented-line-fim-style"),
    pytest.param("python", TOTAL, "for x in xs:\n    acc += x\nreturn acc", TOTAL_BODY,
                 id="py-indented-line-relative"),
    pytest.param("python", "class A:\n    def f(self):\n        |\n",
                 "x = self.load()\ny = x * 2\nreturn y",
                 "x = self.load()\n        y = x * 2\n        return y",
                 id="py-relative-statements"),
    pytest.param("javascript", "function run(items) {\n  |\n}\n",
                 "for (const it of items) {\n  process(it);\n}",
                 "for (const it of items) {\n    process(it);\n  }", id="js-relative-block"),
    pytest.param("javascript", "function run(items) {\n  |\n}\n",
                 "for (const it of items) {\n    process(it);\n  }",
                 "for (const it of items) {\n    process(it);\n  }", id="js-absolute-block"),
    pytest.param("go", GO_SUM, "```go\n\tfor _, x := range xs {\n\t\ttotal += x\n\t}\n"
                 "\treturn total\n}\n```", GO_SUM_BODY, id="go-tabs-absolute"),
    pytest.param("go", "func main() {\n\t|\n}\n",
                 "for i := 0; i < 3; i++ {\n\tfmt.Println(i)\n}\nreturn",
                 "for i := 0; i < 3; i++ {\n\t\tfmt.Println(i)\n\t}\n\treturn",
                 id="go-relative-tabs"),
    pytest.param("go", GO_SUM, "for _, x := range xs {\n        total += x\n    }\n"
                 "    return total", GO_SUM_BODY, id="go-spaces-become-tabs"),
    pytest.param("python", TOTAL, "for x in xs:\r\n        acc += x\r\n    return acc\r\n",
                 TOTAL_BODY, id="py-crlf-multi-line"),
    pytest.param("python", ADD, "<completion>return a + b\r\n</completion>", "return a + b",
                 id="py-crlf-single-line"),
    # -- multi-line: where the block ends -------------------------------------------------------
    pytest.param("python", "class A:\n    def f(self):\n        |\n\n    def g(self):\n"
                 "        pass\n",
                 "return 1\n\n    def g(self):\n        pass", "return 1",
                 id="py-stop-at-next-def"),
    pytest.param("python", "class A:\n    def f(self):\n        |\n",
                 "x = self.load()\n        return x\n    def h(self):\n        return 2",
                 "x = self.load()\n        return x", id="py-stop-at-dedent"),
    pytest.param("python", "def main():|\n",
                 "\n    args = parse()\n\n    run(args)\n\n\ndef parse():\n    pass",
                 "\n    args = parse()\n\n    run(args)", id="py-body-keeps-inner-blank-line"),
    pytest.param("typescript", "function greet(name: string): string {\n  |\n}\n",
                 "```typescript\n  return `Hello, ${name}!`;\n}\n```",
                 "return `Hello, ${name}!`;", id="ts-document-closes-brace"),
    pytest.param("javascript", "function add(a, b) {|",
                 "\n  return a + b;\n}\n\nfunction sub(a, b) {\n  return a - b;\n}",
                 "\n  return a + b;\n}", id="js-new-function-keeps-brace"),
    pytest.param("javascript", "function f(x) {\n  |\n  return x;\n}\n", "init();\n}",
                 "init();", id="js-brace-mid-function-not-kept"),
    pytest.param("typescript", "interface User {\n  |\n}\n", "id: number;\n  name: string;\n}",
                 "id: number;\n  name: string;", id="ts-interface-fields"),
    pytest.param("rust", "fn main() {\n    let v = vec![1, 2, 3];\n    |\n}\n",
                 '<completion>let sum: i32 = v.iter().sum();\n    println!("{}", sum);\n}'
                 "</completion>",
                 'let sum: i32 = v.iter().sum();\n    println!("{}", sum);', id="rust-body"),
    pytest.param("ruby", "def greet(name)\n  |\nend\n", 'puts "Hello, #{name}"\nend',
                 'puts "Hello, #{name}"', id="ruby-stop-at-end"),
    pytest.param("python", "def f(x):\n    if x:|\n",
                 "\n        return 1\n    else:\n        return 2",
                 "\n        return 1\n    else:\n        return 2", id="py-else-continues-block"),
    pytest.param("javascript", "function f(x) {\n  if (x) {|\n  }\n}\n",
                 "\n    return 1;\n  } else {\n    return 2;\n  }",
                 "\n    return 1;\n  } else {\n    return 2;", id="js-else-document-closes"),
    pytest.param("javascript", "if (ok) {|", "\n  start();\n} else {\n  stop();\n}",
                 "\n  start();\n} else {\n  stop();\n}", id="js-else-at-end-of-file"),
    pytest.param("python", "import os\n|\n", "import sys\nimport json\n\ndef main():\n    pass",
                 "import sys\nimport json", id="py-top-level-stops-at-blank-line"),
    # -- loops and limits -----------------------------------------------------------------------
    pytest.param("python", "def log_all(items):\n    for it in items:\n        |\n",
                 "print(it)\n" + "        print(it)\n" * 9, "print(it)",
                 id="py-same-line-ten-times"),
    pytest.param("python", "def setup():\n    |\n", "a = 1\n    b = 2\n" * 3 + "    a = 1",
                 "a = 1\n    b = 2", id="py-two-line-block-repeated"),
    pytest.param("python", "def table():|\n", TABLE,
                 "\n    print(0)\n    print(1)\n    print(2)\n    print(3)", id="py-max-lines"),
    # -- non-ASCII and prose contexts -----------------------------------------------------------
    # the fullwidth comma is deliberate: CJK punctuation must survive untouched
    pytest.param("python", 'greeting = "|"\n', '你好，世界 🌍"', "你好，世界 🌍",  # noqa: RUF001
                 id="py-cjk-emoji-string"),
    pytest.param("python", "# 计算平均值\ndef average(nums):\n    |\n",
                 "return sum(nums) / len(nums)  # 平均值 😀",
                 "return sum(nums) / len(nums)  # 平均值 😀", id="py-cjk-comment"),
    pytest.param("python", 'def add(a, b):\n    """|\n',
                 'Return the sum of a and b.\n    """', "Return the sum of a and b.",
                 id="py-docstring-sentence"),
    pytest.param("python", "def f(x):\n    # |\n",
                 "Normalize the input before use.\n    x = norm(x)",
                 "Normalize the input before use.", id="py-comment-sentence"),
]


@pytest.mark.parametrize(("language", "doc", "raw", "expected"), CLEAN_CASES)
def test_clean(language: str, doc: str, raw: str, expected: str) -> None:
    max_lines = 4 if "print(0)" in expected else 12
    assert clean(raw, at_cursor(doc, language), max_lines=max_lines) == expected


def test_clean_ignores_a_cr_lf_document() -> None:
    ctx = at_cursor("def f(x):\r\n    |\r\n    return x\r\n")
    assert clean("y = x * 2\r\n", ctx) == "y = x * 2"
    assert clean("return x", ctx) == ""


SINGLE = "result = |\n"
MID = "print(|)\n"
BODY = "def f(x):\n    |\n    return x\n"
NEW_BODY = "def f(x):\n    |\n"
ECHO = "def area(r):\n    pi = 3.14159\n    return pi * |\n"

COMPLETE_CASES = [
    pytest.param(SINGLE, "<completion>foo(", False, id="single-open-line"),
    pytest.param(SINGLE, "<completion>foo()\n", True, id="single-line-ended"),
    pytest.param(SINGLE, "<completion>foo()</completion>", True, id="single-closing-tag"),
    pytest.param(SINGLE, "<completion>\n", False, id="single-only-tag-and-break"),
    pytest.param(SINGLE, "<comp", False, id="single-tag-arriving"),
    pytest.param(SINGLE, "```python\n", False, id="single-fence-opened"),
    pytest.param(SINGLE, "```python\nfoo()\n", True, id="single-fenced-line-ended"),
    pytest.param(SINGLE, "Here is the completion:\n", False, id="single-preamble"),
    pytest.param(SINGLE, "<think>I should call foo.\n", False, id="single-thinking"),
    pytest.param(ECHO, "def area(r):\n", False, id="single-echo-in-progress"),
    pytest.param(ECHO, "def area(r):\n    pi = 3.14159\n    return pi * r * r\n", True,
                 id="single-echo-done"),
    pytest.param(MID, "len(x", False, id="mid-line-open"),
    pytest.param(MID, "len(x))\nprint(y)", True, id="mid-line-ended"),
    pytest.param(NEW_BODY, "```python\n", False, id="multi-fence-opened"),
    pytest.param(NEW_BODY, "<completion>y = x * 2\n", False, id="multi-block-open"),
    pytest.param(NEW_BODY, "<completion>y = x * 2\n    return y\n", False,
                 id="multi-block-still-open"),
    pytest.param(NEW_BODY, "<completion>y = x * 2\n    return y\n\ndef g():\n", True,
                 id="multi-dedent-reached"),
    pytest.param(NEW_BODY, "<completion>y = x * 2\n    return y\ndef", True,
                 id="multi-dedent-on-open-line"),
    pytest.param(NEW_BODY, "```python\ny = x * 2\n```\n", True, id="multi-closing-fence"),
    pytest.param(NEW_BODY, "y = x * 2\n```\n", True, id="multi-stray-closing-fence"),
    pytest.param(BODY, "y = x\n    return x\n", True, id="multi-next-document-line"),
    pytest.param(BODY, "y = x\n    return", False, id="multi-next-line-still-typing"),
    pytest.param(NEW_BODY, "a = 1\n    b = 2\n    c = 3\n", True, id="multi-line-limit"),
    pytest.param(NEW_BODY, "print(x)\n" + "    print(x)\n" * 2, True, id="multi-loop"),
]


@pytest.mark.parametrize(("doc", "raw", "expected"), COMPLETE_CASES)
def test_is_complete(doc: str, raw: str, expected: bool) -> None:
    assert is_complete(raw, at_cursor(doc), max_lines=3) is expected


@pytest.mark.parametrize(("language", "doc", "raw", "expected"), CLEAN_CASES)
def test_streaming_stops_only_once_the_answer_is_final(language: str, doc: str, raw: str,
                                                      expected: str) -> None:
    """Fed one character at a time, the first prefix reported complete already cleans right."""
    ctx = at_cursor(doc, language)
    max_lines = 4 if "print(0)" in expected else 12
    for end in range(1, len(raw) + 1):
        if is_complete(raw[:end], ctx, max_lines=max_lines):
            assert clean(raw[:end], ctx, max_lines=max_lines) == expected, raw[:end]
            return


def test_completion_stops_where_clean_would_cut() -> None:
    """Streaming line by line, completion is reported no later than the line clean stops at."""
    ctx = at_cursor("class A:\n    def f(self):\n        |\n\n    def g(self):\n        pass\n")
    raw = "<completion>x = 1\n        return x\n\n    def g(self):\n        pass\n"
    prefixes = [raw[: i + 1] for i, ch in enumerate(raw) if ch == "\n"]
    first_done = next(p for p in prefixes if is_complete(p, ctx))
    assert clean(first_done, ctx) == clean(raw, ctx) == "x = 1\n        return x"


def test_block_end_is_public_and_counts_lines() -> None:
    ctx = at_cursor(NEW_BODY)
    assert block_end(["y = 1", "    z = 2", "", "def g():"], ctx) == 2
    assert block_end(["y = 1", "    z = 2"], ctx) == 2
    assert block_end([], ctx) == 0


# -- ThinkFilter -----------------------------------------------------------------------------------

THOUGHT = "before<think>secret reasoning</think>after"


def _feed(chunks: list[str]) -> str:
    f = ThinkFilter()
    return "".join(f.feed(c) for c in chunks) + f.flush()


@pytest.mark.parametrize("at", range(len(THOUGHT) + 1))
def test_think_filter_tag_split_at_any_position(at: int) -> None:
    assert _feed([THOUGHT[:at], THOUGHT[at:]]) == "beforeafter"


def test_think_filter_tag_split_at_every_pair_of_positions() -> None:
    for i, j in itertools.combinations(range(len(THOUGHT) + 1), 2):
        assert _feed([THOUGHT[:i], THOUGHT[i:j], THOUGHT[j:]]) == "beforeafter", (i, j)


def test_think_filter_one_character_at_a_time() -> None:
    text = "<think>a</think>x<think>b</think>y < z"
    assert _feed(list(text)) == "xy < z"


def test_think_filter_releases_what_was_not_a_tag() -> None:
    f = ThinkFilter()
    assert f.feed("if a <") == "if a "
    assert f.feed("= b") == "<= b"
    assert f.feed(" <thi") == " "
    assert f.flush() == "<thi"


def test_think_filter_drops_unclosed_reasoning() -> None:
    f = ThinkFilter()
    assert f.feed("<think>still thinking</thi") == ""
    assert f.flush() == ""


def test_strip_think_matches_the_filter() -> None:
    assert strip_think(THOUGHT) == "beforeafter"
    assert strip_think("<think></think>code") == "code"

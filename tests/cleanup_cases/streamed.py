"""Streamed replies: long answers with text after their end, reasoning with drafts inside it.

Each is checked like every table case (``clean`` gives ``expected``), and fed to ``is_complete``
prefix by prefix and in realistic chunks (tests/test_cleanup_streamed.py): the stream may stop
only where ``clean`` of what arrived already gives the final answer. ``STOPS_EARLY`` names the
cases where the stop must also come before the end of the reply (tokens saved).
"""

from __future__ import annotations

from . import case

ADD = "def add(a, b):\n    |\n"
BODY = "def total(xs):\n    acc = 0\n    |\n"
JS_ADD = "function add(a, b) {\n  |\n}\n"
GO_MAX = "func max(a, b int) int {\n\t|\n}\n"
CLASS = "class A:\n    def f(self):\n        |\n\n    def g(self):\n        pass\n"
TAIL = "\n\nThis works because the function returns the sum of both arguments. Let me know!"
DRAFT = ("Okay, the user wants the body of add. Let me draft it:\n```python\nreturn a - b\n```\n"
         "Hmm, that subtracts. It should add.\n</think>\n\n")

CASES = [
    # reasoning: never stop inside it, nor on a draft inside it
    case("s-template-think-draft-fence", "python", ADD,
         DRAFT + "```python\nreturn a + b\n```" + TAIL, "return a + b"),
    case("s-template-think-draft-tags", "python", ADD,
         "Let me think. I answer inside <completion> tags; a draft: return a. No, both.\n"
         "</think>\n"
         "<completion>return a + b</completion>" + TAIL, "return a + b"),
    case("s-template-think-draft-lines", "python", BODY,
         "Okay, so we loop:\nfor x in xs:\n    acc += x\nThen return.\nWait, use sum.\n</think>\n"
         "return sum(xs)", "return sum(xs)"),
    case("s-think-draft-fence", "javascript", JS_ADD,
         "<think>\nFirst try:\n```js\nreturn a - b;\n```\nNo, addition.\n</think>\n```js\n"
         "return a + b;\n```" + TAIL, "return a + b;"),
    case("s-think-long-then-body", "go", GO_MAX,
         "<think>\n" + "Comparing a and b. " * 30 + "\n</think>\n\n```go\nif a > b {\n\t\treturn a"
         "\n\t}\n\treturn b\n```\nDone.", "if a > b {\n\t\treturn a\n\t}\n\treturn b"),
    case("s-unclosed-think-answer-inside", "python", ADD,
         "<think>The body adds.\n```python\nreturn a + b\n```\nThat should be", "return a + b"),
    case("s-thinking-tag-draft", "typescript", "function sq(x: number) {\n  |\n}\n",
         "<thinking>\n```ts\nreturn x + x;\n```\nno, square\n</thinking>\n"
         "<completion>return x * x;</completion>" + TAIL, "return x * x;"),
    case("s-kimi-think-draft", "python", ADD,
         "◁think▷draft:\nreturn a\n\nno.◁/think▷<completion>return a + b</completion>" + TAIL,
         "return a + b"),
    case("s-cjk-reasoning-draft", "python", ADD,
         "好的，用户要补全 add。草稿：\n```python\nreturn a * b\n```\n不对，应该相加。\n</think>\n"
         "```python\nreturn a + b\n```" + TAIL, "return a + b"),
    case("s-reasoning-multi-block-no-tags", "python", ADD,
         "Okay, let me try.\n```python\nreturn a - b\n```\nWait, no. Final:\n```python\n"
         "return a + b\n```", "return a + b"),
    # tags and tokens end the answer
    case("s-tag-then-chatter", "python", ADD,
         "<completion>return a + b</completion>" + TAIL, "return a + b"),
    case("s-tag-multi-line-then-chatter", "python", BODY,
         "<completion>for x in xs:\n        acc += x\n    return acc</completion>" + TAIL,
         "for x in xs:\n        acc += x\n    return acc"),
    case("s-upper-tag-then-chatter", "javascript", JS_ADD,
         "<COMPLETION>return a + b;</COMPLETION>" + TAIL, "return a + b;"),
    case("s-im-end-then-garbage", "go", GO_MAX,
         "if a > b {\n\t\treturn a\n\t}\n\treturn b<|im_end|>\n<|im_start|>user\nthanks",
         "if a > b {\n\t\treturn a\n\t}\n\treturn b"),
    case("s-endoftext", "python", "x = |\n", "42<|endoftext|>def unrelated():\n    pass\n", "42"),
    case("s-json-then-chatter", "python", ADD, '{"completion": "return a + b"}' + TAIL,
         "return a + b"),
    case("s-box-then-chatter", "python", ADD,
         "<|begin_of_box|>return a + b<|end_of_box|>" + TAIL, "return a + b"),
    # fences end the answer
    case("s-fence-then-explanation", "python", BODY,
         "```python\nfor x in xs:\n    acc += x\nreturn acc\n```" + TAIL,
         "for x in xs:\n        acc += x\n    return acc"),
    case("s-preamble-fence-explanation", "javascript", JS_ADD,
         "Here's the completion:\n\n```javascript\nreturn a + b;\n```" + TAIL, "return a + b;"),
    case("s-four-backtick-fence", "python", 'HELP = """\n|\n"""\n',
         "````text\nUsage:\n```sh\nrun --help\n```\n````" + TAIL,
         "Usage:\n```sh\nrun --help\n```"),
    case("s-stray-closing-fence", "c", "int sq(int x) {\n    |\n}\n",
         "return x * x;\n```" + TAIL, "return x * x;"),
    case("s-option-labels", "java",
         "class T {\n    static String up(String s) {\n        |\n    }\n}\n",
         "Option 1:\n```java\nreturn s.toUpperCase();\n```\nOption 2:\n```java\n"
         "return s.toUpperCase(Locale.ROOT);\n```", "return s.toUpperCase();"),
    # the block's end ends the answer
    case("s-body-then-next-method", "python", CLASS,
         "x = 1\n        return x\n\n    def g(self):\n        pass\n", "x = 1\n        return x"),
    case("s-body-then-dedent-def", "python", ADD,
         "return a + b\n\n\ndef sub(a, b):\n    return a - b\n", "return a + b"),
    case("s-js-function-then-next", "javascript", "function add(a, b) {|",
         "\n  return a + b;\n}\n\nfunction sub(a, b) {\n  return a - b;\n}\n",
         "\n  return a + b;\n}"),
    case("s-reaches-next-document-line", "typescript",
         "function f() {\n  const a = 1;\n  |\n  return a + b;\n}\n",
         "const b = 2;\n  return a + b;\n}\n" + TAIL, "const b = 2;"),
    case("s-closer-document-has", "go", GO_MAX,
         "if a > b {\n\t\treturn a\n\t}\n\treturn b\n}\n\nfunc min(a, b int) int {\n",
         "if a > b {\n\t\treturn a\n\t}\n\treturn b"),
    case("s-else-continues-then-dedent", "python", "def f(x):\n    if x:|\n",
         "\n        return 1\n    else:\n        return 2\n\n\ndef g():\n    pass\n",
         "\n        return 1\n    else:\n        return 2"),
    case("s-top-level-blank-then-def", "python", "import os\n|\n",
         "import sys\nimport json\n\ndef main():\n    pass\n", "import sys\nimport json"),
    case("s-ruby-end", "ruby", "def greet(name)\n  |\nend\n",
         "puts \"Hi #{name}\"\nend\n\ndef other\nend\n", "puts \"Hi #{name}\""),
    case("s-lua-end", "lua", "local function f(x)\n  |\nend\n",
         "return x * 2\nend\n\nlocal function g()\nend\n", "return x * 2"),
    # single line: the first line is the answer
    case("s-single-line-then-more", "python", "total = |\n",
         "price * qty\nprint(total)\n", "price * qty"),
    case("s-single-line-echo-then-more", "python",
         "def area(r):\n    pi = 3.14159\n    return pi * |\n",
         "def area(r):\n    pi = 3.14159\n    return pi * r * r\n\nprint(area(2))", "r * r"),
    case("s-mid-line-then-next-lines", "javascript", "const el = document.querySelector(|);\n",
         '"#app");\nel.focus();\n', '"#app"'),
    case("s-next-lines-after-finished", "rust", "fn main() {\n    let v = vec![1];|\n}\n",
         "\n    println!(\"{:?}\", v);\n}\n\nfn other() {}\n", "\n    println!(\"{:?}\", v);"),
    # limits and loops end the answer
    case("s-line-limit", "python", "def table():|\n",
         "\n" + "\n".join(f"    print({i})" for i in range(30)),
         "\n    print(0)\n    print(1)\n    print(2)\n    print(3)", max_lines=4),
    case("s-loop", "python", "def log_all(items):\n    for it in items:\n        |\n",
         "print(it)\n" + "        print(it)\n" * 20, "print(it)"),
    case("s-two-line-loop", "go", "func main() {\n\t|\n}\n",
         "a := 1\n\tb := 2\n\t" * 8, "a := 1\n\tb := 2"),
    # echoes: never stop while the reply may still be repeating the prefix
    case("s-whole-function-echo", "python", "def total(xs):\n    acc = 0\n    |\n",
         "def total(xs):\n    acc = 0\n    for x in xs:\n        acc += x\n    return acc\n\n\n"
         "print(total([1]))", "for x in xs:\n        acc += x\n    return acc"),
    case("s-improved-header", "python", "def total(xs):\n    |\n",
         "def total(xs: list[int]) -> int:\n    return sum(xs)\n\n\nprint(total([1, 2]))" + TAIL,
         "return sum(xs)"),
    case("s-existing-code", "typescript",
         "class C {\n  n = 0;\n  inc() {\n    |\n  }\n}\n",
         "class C {\n  // ... existing code ...\n  inc() {\n    this.n++;\n  }\n"
         "  // ... existing code ...\n}\n", "this.n++;"),
    case("s-diff", "python", ADD, "```diff\n def add(a, b):\n+    return a + b\n```" + TAIL,
         "return a + b"),
]

STOPS_EARLY = frozenset({
    "s-template-think-draft-fence", "s-template-think-draft-tags", "s-think-draft-fence",
    "s-think-long-then-body", "s-thinking-tag-draft", "s-kimi-think-draft",
    "s-cjk-reasoning-draft", "s-tag-then-chatter", "s-tag-multi-line-then-chatter",
    "s-upper-tag-then-chatter", "s-im-end-then-garbage", "s-endoftext", "s-json-then-chatter",
    "s-box-then-chatter", "s-fence-then-explanation", "s-preamble-fence-explanation",
    "s-four-backtick-fence", "s-stray-closing-fence", "s-option-labels",
    "s-body-then-next-method", "s-body-then-dedent-def", "s-js-function-then-next",
    "s-reaches-next-document-line", "s-closer-document-has", "s-else-continues-then-dedent",
    "s-top-level-blank-then-def", "s-ruby-end", "s-lua-end", "s-single-line-then-more",
    "s-single-line-echo-then-more", "s-mid-line-then-next-lines", "s-next-lines-after-finished",
    "s-line-limit", "s-loop", "s-two-line-loop", "s-whole-function-echo", "s-improved-header",
    "s-existing-code", "s-diff",
})

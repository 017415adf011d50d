"""Prose: preambles in English and Chinese, sentences instead of code, placeholders, and the
places where a sentence is the completion (comments, strings, docstrings, prose files)."""

from __future__ import annotations

from . import case

EVEN = "def is_even(n):\n    |\n"
JS_ADD = "function add(a, b) {\n  |\n}\n"
GO_MAX = "func max(a, b int) int {\n\t|\n}\n"
JAVA = "class A {\n    int twice(int x) {\n        |\n    }\n}\n"

CASES = [
    case("py-prose-without-fence", "python", EVEN, "Here is the completion:\nreturn n % 2 == 0",
         "return n % 2 == 0"),
    case("yaml-key-is-not-prose", "yaml", "app:\n  |\n", "Title: The main application server.",
         "Title: The main application server."),
    case("py-single-line-trailing-prose", "python", "x = |\n",
         "42  \nThis sets x to the answer.", "42"),
    case("py-cjk-preamble-fenced", "python", EVEN,
         "以下是补全后的代码：\n\n```python\nreturn n % 2 == 0\n```", "return n % 2 == 0"),
    case("js-cjk-preamble-bare", "javascript", JS_ADD, "以下是补全的代码：\nreturn a + b;",
         "return a + b;"),
    case("go-cjk-preamble-and-explanation", "go", GO_MAX,
         "补全如下：\n```go\nif a > b {\n\t\treturn a\n\t}\n\treturn b\n```\n"
         "这段代码返回较大的值。",
         "if a > b {\n\t\treturn a\n\t}\n\treturn b"),
    case("java-cjk-explanation-after", "java", JAVA, "return 2 * x;\n\n这里返回 x 的两倍。",
         "return 2 * x;"),
    case("py-cjk-string-kept", "python", 'greeting = "|"\n', '你好，世界 🌍"',
         "你好，世界 🌍"),  # the fullwidth comma is deliberate: CJK punctuation survives
    case("py-cjk-comment-kept", "python", "# 计算平均值\ndef average(nums):\n    |\n",
         "return sum(nums) / len(nums)  # 平均值 😀",
         "return sum(nums) / len(nums)  # 平均值 😀"),
    case("py-docstring-sentence", "python", 'def add(a, b):\n    """|\n',
         'Return the sum of a and b.\n    """', "Return the sum of a and b."),
    case("py-comment-sentence", "python", "def f(x):\n    # |\n",
         "Normalize the input before use.\n    x = norm(x)", "Normalize the input before use."),
    case("py-sentence-inside-string", "python", 'raise ValueError("|")\n',
         'The value must be positive.")', "The value must be positive."),
    case("js-comment-sentence-kept", "javascript", "// |\nfunction add(a, b) {}\n",
         "Adds two numbers and returns the result.",
         "Adds two numbers and returns the result."),
    case("md-prose-file", "markdown", "# vc-lsp\n\n|\n",
         "A language server that brings AI completions to any editor.",
         "A language server that brings AI completions to any editor."),
    case("py-short-no-completion-needed", "python", EVEN, "No completion needed.", ""),
    case("js-short-nothing-to-add", "javascript", JS_ADD, "Nothing to add.", ""),
    case("go-already-complete", "go", "func main() {\n\tfmt.Println(\"hi\")|\n}\n",
         "The code is already complete.", ""),
    case("rust-prose-only-long", "rust", "fn main() {\n    |\n}\n",
         "I cannot determine what should go here without more context.", ""),
    case("py-prose-only", "python", EVEN, "I cannot complete this code.", ""),
    case("ts-placeholder-todo", "typescript", "function load(): void {\n  |\n}\n",
         "// TODO: implement", ""),
    case("py-placeholder-comment", "python", "def load(path):\n    |\n",
         "# your code here", ""),
    case("java-placeholder-block", "java", JAVA, "// TODO: implement this method\n// ...", ""),
    case("c-placeholder-fenced", "c", "int square(int x) {\n    |\n}\n",
         "```c\n/* TODO */\n```", ""),
    case("py-todo-in-comment-kept", "python", "def load(path):\n    # |\n",
         "TODO: implement", "TODO: implement"),
    case("py-pass-is-code", "python", "class Empty:\n    |\n", "pass", "pass"),
    case("py-reasoning-sentence-then-code", "python", "def mean(xs):\n    |\n",
         "The mean is the sum divided by the count.\n\nreturn sum(xs) / len(xs)",
         "return sum(xs) / len(xs)"),
    case("js-prose-tail-after-block", "javascript", "function run(items) {\n  |\n}\n",
         "items.forEach(process);\n\nThis calls process for each item.",
         "items.forEach(process);"),
    case("ruby-claude-style", "ruby", "def greet(name)\n  |\nend\n",
         "Here's the completion for the `greet` method:\n\n```ruby\n"
         "  \"Hello, #{name}!\"\n```\n\nThis uses string interpolation.", "\"Hello, #{name}!\""),
    case("lua-gpt-style", "lua", "local function double(x)\n  |\nend\n",
         "Certainly! The function should return twice its argument:\n\n```lua\n"
         "return x * 2\n```", "return x * 2"),
    case("php-preamble-colon", "php", "<?php\nfunction add($a, $b) {\n    |\n}\n",
         "The missing line is:\nreturn $a + $b;", "return $a + $b;"),
    case("csharp-note-after", "csharp", "class M {\n    int Twice(int x) {\n        |\n    }\n}\n",
         "return x * 2;\n\nNote: this could overflow for large values.", "return x * 2;"),
    case("py-kimi-preamble-no-colon", "python", EVEN,
         "Sure, the body returns whether n is divisible by two\n\nreturn n % 2 == 0",
         "return n % 2 == 0"),
]

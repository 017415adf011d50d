"""Nothing useful: empty replies, empty tags or fences, and the document's own next line."""

from __future__ import annotations

from . import case

ADD = "def add(a, b):\n    |\n"

CASES = [
    case("empty", "python", ADD, "", ""),
    case("whitespace", "python", ADD, "  \n\t\n", ""),
    case("empty-tags", "python", ADD, "<completion></completion>", ""),
    case("empty-tags-newline", "python", ADD, "<completion>\n</completion>", ""),
    case("empty-fence", "python", ADD, "```python\n```", ""),
    case("py-answer-is-next-line", "python", "def f(x):\n    |\n    return x\n", "return x", ""),
    case("py-tagged-next-line", "python", "def f(x):\n    y = x * 2\n    |\n    return y\n",
         "<completion>return y\n</completion>", ""),
    case("py-body-is-next-line", "python", "def f(x):|\n    return x\n", "\n    return x", ""),
    case("py-only-the-suffix", "python", "print(|)\n", ")", ""),
    case("py-end-of-line-next-line", "python", "x = 1|\ny = 2\n", "y = 2", ""),
    case("js-next-line-closer", "javascript", "function f() {\n  g();\n  |\n}\n", "}", ""),
    case("go-empty-box", "go", "func main() {\n\t|\n}\n", "<|begin_of_box|><|end_of_box|>", ""),
    case("rust-only-end-token", "rust", "fn main() {\n    |\n}\n", "<|endoftext|>", ""),
    case("java-empty-json", "java", "class A {\n    |\n}\n", '{"completion": ""}', ""),
    case("ts-only-think", "typescript", "const x = |;\n", "<think>nothing fits</think>", ""),
]

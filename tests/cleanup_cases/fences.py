"""Markdown fences: with or without a language, nested, after prose, closing one never opened."""

from __future__ import annotations

from . import case

EVEN = "def is_even(n):\n    |\n"
GO_SUM = "func Sum(xs []int) int {\n\ttotal := 0\n\t|\n}\n"
GO_SUM_BODY = "for _, x := range xs {\n\t\ttotal += x\n\t}\n\treturn total"
MD = "# Install\n\nRun the installer:\n\n|\n"

CASES = [
    case("py-fence-only", "python", EVEN, "```python\n    return n % 2 == 0\n```",
         "return n % 2 == 0"),
    case("py-fence-prose-before-and-after", "python", EVEN,
         "Here is the completion:\n\n```python\nreturn n % 2 == 0\n```\n\n"
         "This returns True when n is even.", "return n % 2 == 0"),
    case("py-prose-with-inline-code-before-fence", "python", "def f(x):\n    |\n",
         "Here's the body, using `x = x + 1` first:\n```python\nx = x + 1\nreturn x\n```",
         "x = x + 1\n    return x"),
    case("js-fence-no-language-prose-after", "javascript", "const sum = (a, b) => |\n",
         "```\na + b;\n```\nThe arrow function returns the sum.", "a + b;"),
    case("py-fenced-echo-of-def", "python", "def f(x):\n    |\n",
         "```python\ndef f(x):\n    return x + 1\n```", "return x + 1"),
    case("go-tabs-absolute", "go", GO_SUM,
         "```go\n\tfor _, x := range xs {\n\t\ttotal += x\n\t}\n\treturn total\n}\n```",
         GO_SUM_BODY),
    case("py-inline-code-ticks", "python", "def add(a, b):\n    |\n", "`return a + b`",
         "return a + b"),
    case("js-template-literal-kept", "javascript", "const greeting = |\n", "`Hello ${name}`;",
         "`Hello ${name}`;"),
    case("py-four-backticks-around-three", "python", 'HELP = """\n|\n"""\n',
         "````text\nRun it like this:\n```sh\npython main.py --help\n```\n````",
         "Run it like this:\n```sh\npython main.py --help\n```"),
    case("md-four-backtick-fence-keeps-inner", "markdown", MD,
         "````markdown\n```sh\npip install vc-lsp\n```\n````", "```sh\npip install vc-lsp\n```"),
    case("ts-fence-tilde", "typescript", "function area(r: number): number {\n  |\n}\n",
         "~~~ts\nreturn Math.PI * r * r;\n~~~", "return Math.PI * r * r;"),
    case("rust-fence-with-title", "rust", "fn len(v: &[i32]) -> usize {\n    |\n}\n",
         "```rust title=\"src/lib.rs\"\nv.len()\n```", "v.len()"),
    case("java-fence-indented", "java",
         "class A {\n    int twice(int x) {\n        |\n    }\n}\n",
         "  ```java\n  return 2 * x;\n  ```", "return 2 * x;"),
    case("c-code-then-stray-fence", "c", "int square(int x) {\n    |\n}\n",
         "return x * x;\n```\n\nThis multiplies x by itself.", "return x * x;"),
    case("cpp-two-blocks-first-wins", "cpp",
         "#include <vector>\nint sum(const std::vector<int>& v) {\n    |\n}\n",
         "```cpp\nint s = 0;\n    for (int x : v) s += x;\n    return s;\n```\n\nOr with "
         "std::accumulate:\n```cpp\nreturn std::accumulate(v.begin(), v.end(), 0);\n```",
         "int s = 0;\n    for (int x : v) s += x;\n    return s;"),
    case("lua-fence-lua", "lua", "local function double(x)\n  |\nend\n",
         "```lua\nreturn x * 2\n```", "return x * 2"),
    case("ruby-fence-rb", "ruby", "def greet(name)\n  |\nend\n",
         "```rb\n  \"Hello, #{name}\"\n```", "\"Hello, #{name}\""),
    case("php-fence-with-open-tag", "php", "<?php\nfunction add($a, $b) {\n    |\n}\n",
         "```php\nreturn $a + $b;\n```", "return $a + $b;"),
    case("csharp-fence-cs", "csharp", "class M {\n    int Twice(int x) {\n        |\n    }\n}\n",
         "```cs\nreturn x * 2;\n```", "return x * 2;"),
    case("kotlin-fence", "kotlin", "fun twice(x: Int): Int {\n    |\n}\n",
         "```kotlin\nreturn x * 2\n```", "return x * 2"),
    case("swift-fence-after-sentence", "swift", "func twice(_ x: Int) -> Int {\n    |\n}\n",
         "Sure, here you go:\n\n```swift\nreturn x * 2\n```\n", "return x * 2"),
    case("go-fence-single-line-mid", "go", "func main() {\n\tfmt.Println(|)\n}\n",
         '```go\n"hello"\n```', '"hello"'),
    case("sh-backticks-are-code", "shellscript", "today=|\n", "`date +%F`", "`date +%F`"),
    case("py-fence-in-tags-with-prose", "python", EVEN,
         "<completion>Here it is:\n```py\nreturn n % 2 == 0\n```</completion>",
         "return n % 2 == 0"),
]
CASES += [
    case("py-inline-code-in-sentence", "python", "def add(a, b):\n    |\n",
         "The missing line is `return a + b`.", "return a + b"),
    case("go-inline-code-after-sure", "go", "func main() {\n\tfmt.Println(|)\n}\n",
         "Sure! Just pass `\"hello\"`", '"hello"'),
    case("js-sentence-with-two-spans-is-prose", "javascript", "function f(a) {\n  |\n}\n",
         "Use `a` or `b` depending on the case, I cannot tell.", ""),
]
CASES += [
    case("py-fence-closed-on-code-line", "python", EVEN,
         "<completion>```python\nreturn n % 2 == 0```</completion>", "return n % 2 == 0"),
    case("js-one-line-fence", "javascript", "function f(a) {\n  |\n}\n",
         "```js return a * 2;```", "return a * 2;"),
]

"""Wrappers: reasoning, our tags (any case), other tools' markers, FIM tokens, labels, JSON."""

from __future__ import annotations

from . import case

ADD = "def add(a, b):\n    |\n"
EVEN = "def is_even(n):\n    |\n"
JS_ADD = "function add(a, b) {\n  |\n}\n"
GO_MAX = "func max(a, b int) int {\n\t|\n}\n"
RS_LEN = "fn len(v: &[i32]) -> usize {\n    |\n}\n"
JAVA_UP = ("public class Text {\n    public static String up(String s) {\n        |\n    }\n}\n")

CASES = [
    # -- our own tags ---------------------------------------------------------------------------
    case("py-tagged", "python", ADD, "<completion>return a + b</completion>", "return a + b"),
    case("py-tags-on-own-lines", "python", ADD, "<completion>\nreturn a + b\n</completion>",
         "return a + b"),
    case("py-bare-answer", "python", "import os\n\npath = os.path.|\n", "join(base, name)",
         "join(base, name)"),
    case("py-prose-then-tags", "python", EVEN,
         "Sure! Here's the missing code:\n<completion>return n % 2 == 0</completion>",
         "return n % 2 == 0"),
    case("py-fence-inside-tags", "python", EVEN,
         "<completion>\n```python\nreturn n % 2 == 0\n```\n</completion>", "return n % 2 == 0"),
    case("py-hole-marker-echoed", "python", ADD, "<FILL_HERE>return a + b", "return a + b"),
    case("py-tag-upper-case", "python", ADD, "<COMPLETION>return a + b</COMPLETION>",
         "return a + b"),
    case("js-tag-title-case", "javascript", JS_ADD, "<Completion>\nreturn a + b;\n</Completion>",
         "return a + b;"),
    case("go-tag-closing-only", "go", GO_MAX,
         "if a > b {\n\t\treturn a\n\t}\n\treturn b</completion>",
         "if a > b {\n\t\treturn a\n\t}\n\treturn b"),
    case("rust-tag-then-chatter", "rust", RS_LEN,
         "<completion>v.len()</completion>\n\nThis returns the number of elements.", "v.len()"),
    case("java-tag-with-spaces", "java", JAVA_UP,
         "< completion >return s.toUpperCase();</ completion >", "return s.toUpperCase();"),
    # -- reasoning ------------------------------------------------------------------------------
    case("py-think-then-answer", "python", ADD,
         "<think>\nThe body should add both arguments.\n</think>\n"
         "<completion>return a + b</completion>", "return a + b"),
    case("py-reasoning-closed-by-stray-think-tag", "python", ADD,
         "Okay, the user wants the sum of a and b.\n</think>\n\nreturn a + b", "return a + b"),
    case("py-reasoning-before-tags", "python", ADD,
         "Let me look at the function. It adds two numbers, so the body is a return.\n"
         "<completion>return a + b</completion>", "return a + b"),
    case("py-reasoning-line-bare", "python", ADD,
         "The cursor is inside add, so the body must return the sum.\n\nreturn a + b",
         "return a + b"),
    case("py-qwen3-think-draft-then-answer", "python", ADD,
         "Okay, let me see. The function add takes a and b.\n\nA first try:\n```python\n"
         "return a - b\n```\nWait, no, it should add them.\n</think>\n\n```python\n"
         "return a + b\n```", "return a + b"),
    case("js-deepseek-think-block", "javascript", JS_ADD,
         "<think>\nWe need to return the sum. In JS: `return a + b;`\n</think>\n\n"
         "<completion>return a + b;</completion>", "return a + b;"),
    case("go-unclosed-think-with-fenced-answer", "go", GO_MAX,
         "<think>\nThe function must return the larger value. Let me write it:\n\n```go\n"
         "if a > b {\n\t\treturn a\n\t}\n\treturn b\n```",
         "if a > b {\n\t\treturn a\n\t}\n\treturn b"),
    case("py-unclosed-think-tagged-answer", "python", EVEN,
         "<think>The parity check is n % 2. So the answer:\n<completion>return n % 2 == 0",
         "return n % 2 == 0"),
    case("py-unclosed-think-only", "python", EVEN,
         "<think>Hmm, is_even should check the remainder when divided by two", ""),
    case("ts-minimax-think-then-fence", "typescript",
         "function area(r: number): number {\n  |\n}\n",
         "<think>\nArea of a circle is pi r squared.\n</think>\n```typescript\n"
         "return Math.PI * r * r;\n```", "return Math.PI * r * r;"),
    case("rust-glm-think-and-box", "rust", RS_LEN,
         "<think>The slice has a len method.</think><|begin_of_box|>v.len()<|end_of_box|>",
         "v.len()"),
    case("java-kimi-think-arrows", "java", JAVA_UP,
         "◁think▷The user wants the upper-case string.◁/think▷return s.toUpperCase();",
         "return s.toUpperCase();"),
    case("c-thinking-tag", "c", "int square(int x) {\n    |\n}\n",
         "<thinking>\nSquare is x times x.\n</thinking>\nreturn x * x;", "return x * x;"),
    case("py-reasoning-cjk-then-think-close", "python", ADD,
         "好的，用户需要补全 add 函数的函数体，返回两个参数的和。\n</think>\n\nreturn a + b",
         "return a + b"),
    case("ruby-think-empty", "ruby", "def greet(name)\n  |\nend\n",
         "<think></think>\n\n<completion>\"Hello, #{name}\"</completion>", "\"Hello, #{name}\""),
    case("lua-reasoning-tag", "lua", "local function double(x)\n  |\nend\n",
         "<reasoning>Multiply by two.</reasoning>return x * 2", "return x * 2"),
    # -- other tools' markers and FIM tokens ----------------------------------------------------
    case("py-curly-fill-marker", "python", ADD, "{{FILL_HERE}}return a + b", "return a + b"),
    case("js-cursor-marker", "javascript", JS_ADD, "return a + b;<CURSOR>", "return a + b;"),
    case("py-fim-middle-token", "python", ADD, "<|fim_middle|>return a + b<|endoftext|>",
         "return a + b"),
    case("go-im-end-token", "go", GO_MAX,
         "if a > b {\n\t\treturn a\n\t}\n\treturn b<|im_end|>",
         "if a > b {\n\t\treturn a\n\t}\n\treturn b"),
    case("ts-endoftext-then-garbage", "typescript", "const total = items.length * |;\n",
         "price<|endoftext|><|fim_prefix|>const total", "price"),
    case("rust-deepseek-fim-tokens", "rust", RS_LEN,
         "<｜fim▁begin｜>fn len(v: &[i32]) -> usize {\n    <｜fim▁hole｜>\n}<｜fim▁end｜>v.len()",
         "v.len()"),
    case("py-glm-box-whole-answer", "python", EVEN,
         "<|begin_of_box|>return n % 2 == 0<|end_of_box|>", "return n % 2 == 0"),
    case("java-glm-box-fenced", "java", JAVA_UP,
         "<|begin_of_box|>```java\nreturn s.toUpperCase();\n```<|end_of_box|>",
         "return s.toUpperCase();"),
    case("cpp-eot-token", "cpp", "int twice(int x) {\n    |\n}\n",
         "return 2 * x;<|eot_id|>", "return 2 * x;"),
    case("c-end-of-sentence-token", "c", "int square(int x) {\n    |\n}\n",
         "return x * x;<｜end▁of▁sentence｜>", "return x * x;"),
    case("php-im-start-echo", "php", "<?php\nfunction add($a, $b) {\n    |\n}\n",
         "<|im_start|>assistant\nreturn $a + $b;<|im_end|>", "return $a + $b;"),
    case("csharp-cursor-tag-in-middle", "csharp",
         "class M {\n    int Twice(int x) {\n        |\n    }\n}\n",
         "return <cursor>x * 2;", "return x * 2;"),
    case("py-answer-wrapper-tag", "python", ADD, "<answer>\nreturn a + b\n</answer>",
         "return a + b"),
    case("js-code-wrapper-tag", "javascript", JS_ADD, "<code>return a + b;</code>",
         "return a + b;"),
    # -- label lines ----------------------------------------------------------------------------
    case("py-bold-label", "python", ADD, "**Completion:**\n```python\nreturn a + b\n```",
         "return a + b"),
    case("py-bold-label-bare", "python", ADD, "**Completion:**\nreturn a + b", "return a + b"),
    case("java-option-labels", "java", JAVA_UP,
         "Option 1 (Java 11+):\n```java\nreturn s.toUpperCase(Locale.ROOT);\n```\n\n"
         "Option 2 (simpler):\n```java\nreturn s.toUpperCase();\n```",
         "return s.toUpperCase(Locale.ROOT);"),
    case("go-label-colon", "go", GO_MAX,
         "Completion:\nif a > b {\n\t\treturn a\n\t}\n\treturn b",
         "if a > b {\n\t\treturn a\n\t}\n\treturn b"),
    case("ts-header-label", "typescript", "function area(r: number): number {\n  |\n}\n",
         "### Answer\n\n```ts\nreturn Math.PI * r * r;\n```", "return Math.PI * r * r;"),
    case("rust-cjk-label", "rust", RS_LEN, "补全：\n```rust\nv.len()\n```", "v.len()"),
    case("py-else-is-not-a-label", "python", "def sign(x):\n    if x > 0:\n        return 1\n|\n",
         "    else:\n        return -1", "    else:\n        return -1"),
    case("c-case-is-not-a-label", "c",
         "int f(int k) {\n    switch (k) {\n    |\n    }\n}\n",
         "case 1:\n        return 10;\n    default:\n        return 0;",
         "case 1:\n        return 10;\n    default:\n        return 0;"),
    # -- JSON-wrapped answers -------------------------------------------------------------------
    case("py-json-completion", "python", ADD, '{"completion": "return a + b"}', "return a + b"),
    case("js-json-fenced", "javascript", JS_ADD,
         '```json\n{"completion": "return a + b;"}\n```', "return a + b;"),
    case("go-json-multi-line", "go", GO_MAX,
         '{"completion": "if a > b {\\n\\t\\treturn a\\n\\t}\\n\\treturn b"}',
         "if a > b {\n\t\treturn a\n\t}\n\treturn b"),
    case("py-json-code-key-fenced", "python", EVEN,
         '```json\n{"code": "return n % 2 == 0"}\n```', "return n % 2 == 0"),
    case("py-dict-literal-kept", "python", "config = |\n", '{"text": "hello", "size": 3}',
         '{"text": "hello", "size": 3}'),
    case("json-file-keeps-json", "json", '{\n  "scripts": |\n}\n',
         '{"completion": "npm test"}', '{"completion": "npm test"}'),
]
CASES += [
    case("py-question-quoted-then-answer", "python", ADD,
         "```python\ndef add(a, b):\n    <FILL_HERE>\n```\n\nThe missing code:\n```python\n"
         "return a + b\n```", "return a + b"),
    case("js-question-quoted-curly-marker", "javascript", JS_ADD,
         "Your code:\n```js\nfunction add(a, b) {\n  {{FILL_HERE}}\n}\n```\nFill:\n```js\n"
         "return a + b;\n```", "return a + b;"),
    case("py-labelled-hole-prefix", "python", ADD, "FILL_HERE: return a + b", "return a + b"),
    case("go-marker-equals-answer", "go", GO_MAX, "<FILL_HERE> = return max(a, b)",
         "return max(a, b)"),
    case("py-answer-label-same-line", "python", ADD, "Answer: return a + b", "return a + b"),
    case("rust-bold-label-inline-code", "rust", RS_LEN, "**Completion:** `v.len()`", "v.len()"),
    case("yaml-answer-key-kept", "yaml", "faq:\n  - question: Why?\n    |\n",
         "answer: Because.", "answer: Because."),
]
CASES += [
    case("yaml-emoji-bullet-start", "yaml", "one:\n|", "➕     1", "1"),
    case("yaml-zero-width-start", "yaml", "one:\n|", "\u200b   2", "2"),
    case("yaml-dot-start", "yaml", "one:\n|", ".      3", "3"),
    case("yaml-plus-start", "yaml", "two:\n|", "+  1", "1"),
    case("yaml-minus-start", "yaml", "two:\n|", "-  2", "2"),
    case("yaml-list-item-kept", "yaml", "items:\n  |", "- apple", "- apple"),
    case("ts-leading-space-already-typed", "typescript", "const foo = |;\n", " 1", "1"),
]

"""Lines and indentation: where the answer starts, absolute indentation in the file's style and
unit, trailing blanks, and a reply that opens with a line break after a finished line."""

from __future__ import annotations

from . import case

TOTAL = "def total(xs):\n    acc = 0\n    |\n"
TOTAL_BODY = "for x in xs:\n        acc += x\n    return acc"
GO_SUM = "func Sum(xs []int) int {\n\ttotal := 0\n\t|\n}\n"
GO_SUM_BODY = "for _, x := range xs {\n\t\ttotal += x\n\t}\n\treturn total"
JS2 = "function run(items) {\n  const out = [];\n  |\n}\n"
PY4_METHOD = "class Cart:\n    def total(self):\n        |\n"

CASES = [
    case("py-def-body-on-new-line", "python", "def greet(name):|\n",
         '\n    return f"Hello, {name}!"', '\n    return f"Hello, {name}!"'),
    case("py-def-body-indented-not-broken", "python", "def greet(name):|\n",
         '    return f"Hello, {name}!"', '\n    return f"Hello, {name}!"'),
    case("py-method-body-relative", "python", "class Greeter:\n    def greet(self, name):|\n",
         '\n    return f"Hello, {name}!"', '\n        return f"Hello, {name}!"'),
    case("py-indented-line-absolute", "python", TOTAL,
         "    for x in xs:\n        acc += x\n    return acc", TOTAL_BODY),
    case("py-indented-line-fim-style", "python", TOTAL, TOTAL_BODY, TOTAL_BODY),
    case("py-indented-line-relative", "python", TOTAL, "for x in xs:\n    acc += x\nreturn acc",
         TOTAL_BODY),
    case("py-relative-statements", "python", "class A:\n    def f(self):\n        |\n",
         "x = self.load()\ny = x * 2\nreturn y",
         "x = self.load()\n        y = x * 2\n        return y"),
    case("js-relative-block", "javascript", "function run(items) {\n  |\n}\n",
         "for (const it of items) {\n  process(it);\n}",
         "for (const it of items) {\n    process(it);\n  }"),
    case("js-absolute-block", "javascript", "function run(items) {\n  |\n}\n",
         "for (const it of items) {\n    process(it);\n  }",
         "for (const it of items) {\n    process(it);\n  }"),
    case("go-relative-tabs", "go", "func main() {\n\t|\n}\n",
         "for i := 0; i < 3; i++ {\n\tfmt.Println(i)\n}\nreturn",
         "for i := 0; i < 3; i++ {\n\t\tfmt.Println(i)\n\t}\n\treturn"),
    case("go-spaces-become-tabs", "go", GO_SUM,
         "for _, x := range xs {\n        total += x\n    }\n    return total", GO_SUM_BODY),
    case("py-crlf-multi-line", "python", TOTAL,
         "for x in xs:\r\n        acc += x\r\n    return acc\r\n", TOTAL_BODY),
    case("py-crlf-single-line", "python", "def add(a, b):\n    |\n",
         "<completion>return a + b\r\n</completion>", "return a + b"),
    case("js-four-space-steps-in-two-space-file", "javascript", JS2,
         "for (const it of items) {\n      out.push(it * 2);\n  }\n  return out;",
         "for (const it of items) {\n    out.push(it * 2);\n  }\n  return out;"),
    case("ts-four-space-relative-in-two-space-file", "typescript",
         "export function names(users: User[]) {\n  const out: string[] = [];\n  |\n}\n",
         "for (const u of users) {\n    if (u.active) {\n        out.push(u.name);\n    }\n}\n"
         "return out;",
         "for (const u of users) {\n    if (u.active) {\n      out.push(u.name);\n    }\n  }\n"
         "  return out;"),
    case("py-two-space-reply-in-four-space-file", "python", PY4_METHOD,
         "total = 0\nfor item in self.items:\n  total += item.price\nreturn total",
         "total = 0\n        for item in self.items:\n            total += item.price\n"
         "        return total"),
    case("py-two-space-absolute-in-four-space-file", "python",
         "def scan(rows):\n    for row in rows:\n        |\n",
         "        if row.ok:\n          yield row\n        else:\n          log(row)",
         "if row.ok:\n            yield row\n        else:\n            log(row)"),
    case("ruby-two-space-file-keeps-two", "ruby", "def show(xs)\n  |\nend\n",
         "xs.each do |x|\n  puts x\nend", "xs.each do |x|\n    puts x\n  end"),
    case("lua-tab-file", "lua", "function M.sum(xs)\n\t|\nend\n",
         "local s = 0\n  for _, x in ipairs(xs) do\n    s = s + x\n  end\n  return s",
         "local s = 0\n\tfor _, x in ipairs(xs) do\n\t\ts = s + x\n\tend\n\treturn s"),
    case("java-trailing-blanks-inside", "java",
         "class A {\n    int sum(int[] xs) {\n        |\n    }\n}\n",
         "int s = 0;   \n        for (int x : xs) s += x;\t\n\n        return s;   \n\n\n",
         "int s = 0;\n        for (int x : xs) s += x;\n\n        return s;"),
    case("c-trailing-blank-lines", "c", "int f(void) {\n    |\n}\n", "return 1;\n\n\n\n",
         "return 1;"),
    case("py-break-after-finished-line-is-next-line", "python", "x = 1|\nz = 3\n",
         "<completion>\nprint(x)\n</completion>", "\nprint(x)"),
    case("js-break-after-statement-not-glued", "javascript",
         "function f() {\n  const a = load();|\n  return a;\n}\n",
         "\n  validate(a);", "\n  validate(a);"),
    case("go-break-after-call-relative", "go", "func main() {\n\tinit()|\n}\n",
         "\nrun()", "\n\trun()"),
    case("py-break-after-return-closer-not-glued", "python",
         "def f(x):\n    return x|\n\n\ndef g():\n    pass\n", "\n}", ""),
    case("rust-break-after-semicolon", "rust",
         "fn main() {\n    let v = vec![1, 2, 3];|\n}\n",
         "\n    let total: i32 = v.iter().sum();\n    println!(\"{}\", total);",
         "\n    let total: i32 = v.iter().sum();\n    println!(\"{}\", total);"),
    case("py-break-after-operator-is-formatting", "python", "x = |\n",
         "<completion>\n42\n</completion>", "42"),
    case("py-space-already-typed", "python", "def f(x):\n    return |\n", " x + 1", "x + 1"),
    case("cpp-tabs-file-spaces-reply", "cpp", "int main() {\n\tint n = 0;\n\t|\n}\n",
         "while (n < 3) {\n    n++;\n}\nreturn n;",
         "while (n < 3) {\n\t\tn++;\n\t}\n\treturn n;"),
    case("csharp-absolute-four", "csharp",
         "class M {\n    int F(int x) {\n        |\n    }\n}\n",
         "        if (x > 0)\n        {\n            return x;\n        }\n        return -x;",
         "if (x > 0)\n        {\n            return x;\n        }\n        return -x;"),
    case("php-relative-block", "php", "<?php\nfunction f($xs) {\n    |\n}\n",
         "foreach ($xs as $x) {\n    echo $x;\n}",
         "foreach ($xs as $x) {\n        echo $x;\n    }"),
    case("yaml-list-relative", "yaml", "services:\n  web:\n    |\n",
         "image: nginx\nports:\n  - \"80:80\"", "image: nginx\n    ports:\n      - \"80:80\""),
]

# The cursor at column 0 in front of a line of code, where fill-in-the-middle benchmarks put
# the hole: the answer is whole lines, with their indentation and a final line break.
HAS_CLOSE = ('def has_close(numbers, threshold):\n'
             '    """Any two numbers closer than threshold?"""\n'
             "    for idx, elem in enumerate(numbers):\n"
             "        for idx2, elem2 in enumerate(numbers):\n            if idx != idx2:\n|"
             "                if distance < threshold:\n                    return True\n\n"
             "    return False\n")
CASES += [
    case("py-line-start-hole-fenced", "python", HAS_CLOSE,
         "```python\n                distance = abs(elem - elem2)\n```",
         "                distance = abs(elem - elem2)\n"),
    case("py-line-start-hole-unindented", "python", HAS_CLOSE,
         "Here is the missing line:\n\ndistance = abs(elem - elem2)",
         "                distance = abs(elem - elem2)\n"),
    case("py-line-start-hole-two-lines", "python",
         "def unique(l):\n    \"\"\"Sorted unique elements.\"\"\"\n|    return out\n",
         "<completion>\n    out = sorted(set(l))\n    out = list(out)\n</completion>",
         "    out = sorted(set(l))\n    out = list(out)\n"),
    case("py-line-start-after-statement", "python",
         "def f(xs):\n    out = []\n    for x in xs:\n        y = x * 2\n|    return out\n",
         "out.append(y)", "        out.append(y)\n"),
    case("js-line-start-before-brace", "javascript", "function f(a) {\n|}\n",
         "```js\n  return a * 2;\n```", "  return a * 2;\n"),
    case("py-line-start-top-level", "python", "import os\n|def main():\n    pass\n",
         "import sys", "import sys\n"),
    case("py-line-start-fragment-mid-line", "python", "x = (|1 + 2)\n", "0 +", "0 +"),
]

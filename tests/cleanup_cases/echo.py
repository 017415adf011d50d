"""Echo: the model repeated text before the cursor: lines, the cursor line (restarting
mid-word), the whole file, the function header ("improved"), as a diff, or with placeholders."""

from __future__ import annotations

from . import case

# A long file: a whole-file echo is longer than any fixed window.
LONG_PY = "".join(f"def f{i}(x):\n    return x + {i}\n\n\n" for i in range(40))
LONG_DOC = LONG_PY + "def last(xs):\n    |\n\n\ndef after():\n    pass\n"
LONG_REPLY = LONG_PY + "def last(xs):\n    return xs[-1]\n\n\ndef after():\n    pass\n"
JS_FILE = ("import { api } from './api';\n\nexport async function getProfile(id) {\n"
           "  const res = await api.get(`/users/${id}`);\n  |\n}\n\nexport default getProfile;\n")
JS_FILE_REPLY = ("```javascript\nimport { api } from './api';\n\n"
                 "export async function getProfile(id) {\n"
                 "  const res = await api.get(`/users/${id}`);\n  return res.data;\n}\n\n"
                 "export default getProfile;\n```")

CASES = [
    case("py-echo-current-line", "python",
         "def total(items):\n    result = 0\n    for item in items:\n"
         "        result += |\n    return result\n",
         "result += item.price * item.qty", "item.price * item.qty"),
    case("py-echo-two-lines-and-current", "python",
         "def area(r):\n    pi = 3.14159\n    return pi * |\n",
         "def area(r):\n    pi = 3.14159\n    return pi * r * r", "r * r"),
    case("py-echo-previous-line", "python", "def mean(xs):\n    total = sum(xs)\n    |\n",
         "    total = sum(xs)\n    return total / len(xs)", "return total / len(xs)"),
    case("py-restart-partial-word", "python", "def double(x):\n    ret|\n", "return x * 2",
         "urn x * 2"),
    case("py-restart-attribute", "python",
         "class User:\n    def __init__(self, name):\n        self.na|\n",
         "<completion>self.name = name</completion>", "me = name"),
    case("py-restart-one-letter", "python", "total = price * q|\n", "quantity", "uantity"),
    case("py-echo-def-line-then-body", "python", "def greet(name):|\n",
         "def greet(name):\n    return f\"Hello, {name}!\"", "\n    return f\"Hello, {name}!\""),
    case("js-restart-expression", "javascript", "const url = new URL(|);\n",
         "new URL(path, base);", "path, base"),
    case("ts-restart-mid-word-camel", "typescript",
         "async function load(id: string) {\n  const user = await getPro|\n}\n",
         "ProfileSummary(id);", "fileSummary(id);"),
    case("js-restart-mid-word-full", "javascript", "const s = getPro|\n",
         "getProfileSummary(user);", "fileSummary(user);"),
    case("py-restart-snake-part", "python", "value = load_us|\n", "user_config(path)",
         "er_config(path)"),
    case("go-restart-method", "go", "func main() {\n\tfmt.Prin|\n}\n", "Println(\"hi\")",
         "tln(\"hi\")"),
    case("java-restart-mid-word", "java",
         "class A {\n    void f(List<String> xs) {\n        xs.forE|\n    }\n}\n",
         "xs.forEach(System.out::println);", "ach(System.out::println);"),
    case("py-echo-across-blank-line", "python",
         "def load(path):\n    with open(path) as f:\n        data = f.read()\n\n    |\n",
         "    data = f.read()\n    return json.loads(data)", "return json.loads(data)"),
    case("py-echo-drops-blank-line", "python",
         "import json\n\n\ndef load(path):\n    |\n",
         "import json\ndef load(path):\n    with open(path) as f:\n        return json.load(f)",
         "with open(path) as f:\n        return json.load(f)"),
    case("js-echo-adds-blank-line", "javascript",
         "function sum(xs) {\n  let total = 0;\n  |\n}\n",
         "function sum(xs) {\n\n  let total = 0;\n\n  for (const x of xs) total += x;\n"
         "  return total;\n}",
         "for (const x of xs) total += x;\n  return total;"),
    case("py-short-echo-docstring", "python", 'def area(r):\n    """\n    |\n',
         '"""\n    Return the area of a circle of radius r.\n    """',
         'Return the area of a circle of radius r.\n    """'),
    case("c-short-echo-allman-brace", "c", "int main(void)\n{\n    |\n}\n",
         "{\n    puts(\"hi\");\n    return 0;\n}", "puts(\"hi\");\n    return 0;"),
    case("py-whole-file-re-emitted", "python", LONG_DOC, LONG_REPLY, "return xs[-1]"),
    case("js-whole-file-fenced", "javascript", JS_FILE, JS_FILE_REPLY, "return res.data;"),
    case("py-improved-header", "python", "def total(xs):\n    |\n",
         "def total(xs: list[int]) -> int:\n    return sum(xs)", "return sum(xs)"),
    case("ts-improved-header-types", "typescript",
         "function greet(name) {\n  |\n}\n",
         "```ts\nfunction greet(name: string): string {\n  return `Hello, ${name}`;\n}\n```",
         "return `Hello, ${name}`;"),
    case("go-improved-header-comment", "go", "func Max(a, b int) int {\n\t|\n}\n",
         "// Max returns the larger of a and b.\nfunc Max(a, b int) int {\n\tif a > b {\n"
         "\t\treturn a\n\t}\n\treturn b\n}",
         "if a > b {\n\t\treturn a\n\t}\n\treturn b"),
    case("py-improved-header-with-docstring", "python",
         'def mean(xs):\n    """Average of xs."""\n    |\n',
         'def mean(xs: list[float]) -> float:\n    """Average of xs."""\n'
         "    return sum(xs) / len(xs)", "return sum(xs) / len(xs)"),
    case("rust-improved-header-pub", "rust", "fn first(v: &[i32]) -> i32 {\n    |\n}\n",
         "pub fn first(v: &[i32]) -> i32 {\n    v[0]\n}", "v[0]"),
    case("java-improved-header", "java",
         "public class M {\n    static int twice(int x) {\n        |\n    }\n}\n",
         "    public static int twice(final int x) {\n        return 2 * x;\n    }",
         "return 2 * x;"),
    case("py-improved-header-on-cursor-line", "python", "def greet(name):|\n",
         "def greet(name: str) -> str:\n    return f\"Hi {name}\"", "\n    return f\"Hi {name}\""),
    case("py-diff-plus-lines", "python", "def add(a, b):\n    |\n",
         "```diff\n def add(a, b):\n+    return a + b\n```", "return a + b"),
    case("js-diff-hunk", "javascript", "function add(a, b) {\n  |\n}\n",
         "@@ -1,3 +1,3 @@\n function add(a, b) {\n-  \n+  return a + b;\n }",
         "return a + b;"),
    case("go-diff-only-plus", "go", "func Sum(xs []int) int {\n\ttotal := 0\n\t|\n}\n",
         "+\tfor _, x := range xs {\n+\t\ttotal += x\n+\t}\n+\treturn total",
         "for _, x := range xs {\n\t\ttotal += x\n\t}\n\treturn total"),
    case("py-plus-expression-not-diff", "python", "total = a |\n", "+ b", "+ b"),
    case("ts-existing-code-before", "typescript",
         "class Cart {\n  items: number[] = [];\n  total(): number {\n    |\n  }\n}\n",
         "```ts\nclass Cart {\n  // ... existing code ...\n  total(): number {\n"
         "    return this.items.reduce((a, b) => a + b, 0);\n  }\n"
         "  // ... existing code ...\n}\n```",
         "return this.items.reduce((a, b) => a + b, 0);"),
    case("py-existing-code-after", "python",
         "def run(args):\n    |\n    cleanup()\n",
         "setup(args)\n    # ... rest of the function unchanged", "setup(args)"),
    case("java-existing-code-ellipsis", "java",
         "class A {\n    void f() {\n        |\n    }\n}\n",
         "// ...\nlog.info(\"start\");\n// ...", "log.info(\"start\");"),
    case("rust-existing-code-comment", "rust",
         "fn main() {\n    let v = vec![1, 2];\n    |\n}\n",
         "fn main() {\n    // ...existing code...\n    println!(\"{:?}\", v);\n}",
         "println!(\"{:?}\", v);"),
    case("c-echo-include-and-header", "c",
         "#include <stdio.h>\n\nint main(void) {\n    |\n}\n",
         "#include <stdio.h>\n\nint main(void) {\n    printf(\"hi\\n\");\n    return 0;\n}",
         "printf(\"hi\\n\");\n    return 0;"),
    case("ruby-echo-def", "ruby", "class Greeter\n  def greet(name)\n    |\n  end\nend\n",
         "def greet(name)\n    \"Hello, #{name}\"\n  end", "\"Hello, #{name}\""),
    case("lua-echo-local", "lua", "local function add(a, b)\n  |\nend\n",
         "local function add(a, b)\n  return a + b\nend", "return a + b"),
    case("php-echo-function", "php", "<?php\nfunction add($a, $b) {\n    |\n}\n",
         "function add($a, $b) {\n    return $a + $b;\n}", "return $a + $b;"),
    case("csharp-restart-word", "csharp",
         "class M {\n    void F(string s) {\n        Console.Wri|\n    }\n}\n",
         "Console.WriteLine(s);", "teLine(s);"),
    case("py-echo-of-previous-line-only", "python", "def f(xs):\n    total = sum(xs)\n    |\n",
         "total = sum(xs)", ""),
    case("kotlin-echo-header", "kotlin", "fun twice(x: Int): Int {\n    |\n}\n",
         "fun twice(x: Int): Int {\n    return x * 2\n}", "return x * 2"),
]
# The whole file again, with a line far above the cursor changed: not word for word.
CHANGED_REPLY = LONG_REPLY.replace("return x + 3\n", "return x + 3  # three\n")
CASES += [
    case("py-whole-file-with-a-changed-line", "python", LONG_DOC, CHANGED_REPLY,
         "return xs[-1]"),
    case("js-whole-file-comment-dropped", "javascript",
         "// api client\nimport { api } from './api';\n\nexport async function getUser(id) {\n"
         "  const res = await api.get(`/users/${id}`);\n  const body = res.data;\n  |\n}\n",
         "```js\nimport { api } from './api';\n\nexport async function getUser(id) {\n"
         "  const res = await api.get(`/users/${id}`);\n  const body = res.data;\n"
         "  return body.user;\n}\n```", "return body.user;"),
]

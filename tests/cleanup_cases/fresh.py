"""A fresh, adversarial set: replies written from how models answer a hole, not from the rules.

Written without reading the other case modules, in the shapes of held-out sets: other
assistants' post-processing suites (Continue, Tabby, Copilot-like), HumanEval infilling wrapped
in chat noise, and what reasoning models (deepseek-r1, qwen3, kimi, glm, minimax, gpt-5,
claude) emit for ``<FILL_HERE>``. Ids name the class: ``fresh-<class>-<n>``. A reply whose
``</completion>`` was a stop sequence ends without it, as the provider cuts it; a reasoning
model that sends its thoughts as ``reasoning_content`` shows here as its content alone.
"""

from __future__ import annotations

from . import case

# ---------------------------------------------------------------- documents shared by cases
PY_AREA = "import math\n\n\ndef area(radius):\n    return math.pi * |\n"
PY_GREET = 'def greet(name):\n    print(f"Hello, {|}")\n'
PY_LOAD = ("import json\n\n\ndef load(path):\n    with open(path) as fh:\n        |\n"
           "    return data\n")
PY_EVEN = "def is_even(n):\n    return |\n"
PY_STACK = "class Stack:\n    def __init__(self):|\n"
PY_TOTAL = "def total(values):\n    result = |\n    return result\n"
PY_ROWS = "def show(rows):\n    |\n"
PY_SIGN = "def sign(x):\n    if x >= 0:\n        return 1\n    |\n"
PY_FIZZ = ("def fizzbuzz(n):\n    for i in range(1, n + 1):\n        if i % 15 == 0:\n"
           '            print("FizzBuzz")\n        |\n')
PY_SQUARE = 'def square(x):\n    """|\n    return x * x\n'
PY_ANSWER = "def answer():\n    |\n\n\nprint(answer())\n"

JS_NAMES = "const names = users.map(|);\n"
JS_REDUCE = "const total = items.reduce((sum, item) => sum + item.price, |);\n"
JS_FETCH = "async function load(url) {\n  const res = await fet|\n}\n"
JS_DEBOUNCE = ("function debounce(fn, wait) {\n  let timer;\n  return function (...args) {|\n"
               "  };\n}\n")
JS_ADD = "function add(a, b) {|\n}\n"
JS_LOG = "function report(total) {\n  console.log(|);\n}\n"
JS_CHECK = "function check(user) {\n  if (!user) {|\n}\n"
JS_SUM = "function sum(a, b) {\n  |\n}\n"
JS_FIND = "function findUser(users, id) {\n  |\n  return null;\n}\n"
JS_MSG = "function welcome(name) {\n  const msg = |;\n  return msg;\n}\n"

TS_DIST = ("interface Point {\n  x: number;\n  y: number;\n}\n\n"
           "function distance(a: Point, b: Point): number {\n  |\n}\n")
TS_CACHE = "const cache = new Map<string, |>();\n"
TSX_LIST = ("export function List({ items }: Props) {\n  return (\n    <ul>\n"
            "      {items.map((item) => (\n        |\n      ))}\n    </ul>\n  );\n}\n")

GO_ERR = ("func readConfig(path string) (*Config, error) {\n\tf, err := os.Open(path)\n"
          "\tif err != nil {\n\t\t|\n\t}\n\tdefer f.Close()\n\treturn parse(f)\n}\n")
GO_SUM = "func sum(xs []int) int {\n\ttotal := 0\n\t|\n\treturn total\n}\n"
GO_PRINT = 'func report(total int) {\n\tfmt.Println(|)\n}\n'

RS_PORT = ("fn parse_port(s: &str) -> Result<u16, ParseIntError> {\n"
           "    let port = s.trim().parse::<u16>()|;\n    Ok(port)\n}\n")
RS_MATCH = ("impl fmt::Display for Color {\n"
            "    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {\n"
            "        match self {\n            |\n        }\n    }\n}\n")
RS_DOC = ("/// Adds one to the number.\n///\n|\npub fn add_one(x: i32) -> i32 {\n    x + 1\n}\n")
RS_VEC = "fn zeros(n: usize) -> Vec<u8> {\n    vec![|]\n}\n"

JAVA_USER = ("public class User {\n    private final String name;\n\n"
             "    public String getName() {\n        |\n    }\n}\n")
JAVA_GREET = ('class Greeter {\n    String greet(String name) {\n'
              '        String greeting = "Hello, " + |;\n        return greeting;\n    }\n}\n')
JAVA_PROFILE = ("class View {\n    String render(User user) {\n"
                "        String summary = user.getPro|;\n        return summary;\n    }\n}\n")

C_MAX = "int max(int a, int b) {\n    return |\n}\n"
C_MAX_NOSPACE = "int max(int a, int b) {\n    return|\n}\n"
C_PRINT = "void print_array(const int *arr, size_t n) {\n    |\n}\n"

CPP_EVENS = ("std::vector<int> evens(const std::vector<int>& xs) {\n    std::vector<int> out;\n"
             "    std::copy_if(xs.begin(), xs.end(), std::back_inserter(out), |);\n"
             "    return out;\n}\n")

RB_NAME = "class Person\n  def full_name\n    |\n  end\nend\n"
RB_TIMES = "3.times do|\n"

LUA_CLAMP = "local function clamp(x, lo, hi)\n  |\nend\n"

CS_ADD = "public static class MathUtil\n{\n    public static int Add(int a, int b) => |\n}\n"
CS_HELLO = ('static void Main(string name)\n{\n    Console.WriteLine($"Hello, {|}");\n}\n')

PHP_TOTAL = ("<?php\nfunction total(array $items): float {\n"
             "    $total = array_sum(array_map(fn($i) => $i['price'], |));\n"
             "    return $total;\n}\n")

KT_PAL = ("fun isPalindrome(s: String): Boolean {\n"
          "    val cleaned = s.filter { it.isLetterOrDigit() }.lowercase()\n    |\n}\n")
KT_LIST = "val primes = listOf(|)\n"

SWIFT_FIB = ("func fibonacci(_ n: Int) -> Int {\n    guard n > 1 else { return n }\n    |\n}\n")

SH_LOGS = "#!/bin/sh\nfor f in *.log; do\n  |\ndone\n"

SQL_ORDERS = ("SELECT u.id, u.name, COUNT(o.id) AS orders\nFROM users u\n"
              "LEFT JOIN orders o ON o.user_id = u.id\n|\nORDER BY orders DESC;\n")

YAML_PORTS = "services:\n  web:\n    image: nginx:latest\n    ports:\n      - |\n"

HTML_NAV = '<nav>\n  <ul>\n    <li><a href="/">|</a></li>\n  </ul>\n</nav>\n'

HE_CLOSE = (
    "from typing import List\n\n\n"
    "def has_close_elements(numbers: List[float], threshold: float) -> bool:\n"
    '    """ Check if in given list of numbers, are any two numbers closer to each other than\n'
    "    given threshold.\n"
    "    >>> has_close_elements([1.0, 2.0, 3.0], 0.5)\n"
    "    False\n"
    '    """\n'
    "    for idx, elem in enumerate(numbers):\n"
    "        for idx2, elem2 in enumerate(numbers):\n"
    "            if idx != idx2:\n"
    "|                if distance < threshold:\n"
    "                    return True\n\n"
    "    return False\n")
HE_TRUNC = (
    "def truncate_number(number: float) -> float:\n"
    '    """ Given a positive floating point number, return its decimal part.\n'
    "    >>> truncate_number(3.5)\n"
    "    0.5\n"
    '    """\n'
    "    |\n")
HE_BELOW = (
    "from typing import List\n\n\n"
    "def below_zero(operations: List[int]) -> bool:\n"
    '    """ Detect if at any point the balance of the account falls below zero."""\n'
    "    balance = 0\n\n"
    "    for op in operations:\n"
    "        |\n\n"
    "    return False\n")
HE_FILTER = (
    "from typing import List\n\n\n"
    "def filter_by_substring(strings: List[str], substring: str) -> List[str]:\n"
    '    """ Filter an input list of strings only for ones that contain given substring."""\n'
    "    return [x for x in strings if |]\n")
HE_THIRD = (
    "def sort_third(l: list):\n"
    '    """Sort the values at indices divisible by three."""\n'
    "    l = list(l)\n"
    "    l[::3] = |\n"
    "    return l\n")
HE_ADD = ('def add(x: int, y: int):\n    """Add two numbers x and y\n    >>> add(2, 3)\n    5\n'
          '    """\n    |\n')
HE_STRLEN = ('def strlen(string: str) -> int:\n    """ Return length of given string."""\n'
             "    return len(|)\n")
HE_FIB = ('def fib(n: int):\n    """Return n-th Fibonacci number."""\n    if n == 0:\n'
          "        return 0\n    |\n    return fib(n - 1) + fib(n - 2)\n")
HE_VOWELS = (
    "def count_vowels(s: str) -> int:\n"
    '    """Count the vowels in s."""\n'
    "    count = 0\n"
    "    for ch in s.lower():\n"
    "|    return count\n")

GO_BODY = "for _, x := range xs {\n\t\ttotal += x\n\t}"
LUA_BODY = "if x < lo then return lo end\n  if x > hi then return hi end\n  return x"
FIB = "return fibonacci(n - 1) + fibonacci(n - 2)"
DIST = "return Math.hypot(a.x - b.x, a.y - b.y);"
PRINT_LOOP = 'for (size_t i = 0; i < n; i++) {\n        printf("%d\\n", arr[i]);\n    }'

CASES = [
    # ------------------------------------------------ tags: our tag and its many misspellings
    case("fresh-tags-01", "python", PY_AREA, "<completion>radius ** 2", "radius ** 2"),
    case("fresh-tags-02", "javascript", JS_REDUCE, "<completion>0</completion>", "0"),
    case("fresh-tags-03", "go", GO_ERR, "<COMPLETION>return nil, err</COMPLETION>",
         "return nil, err"),
    case("fresh-tags-04", "rust", RS_PORT, "<completion><completion>?</completion></completion>",
         "?"),
    case("fresh-tags-05", "typescript", TS_DIST, f"<completion>\n{DIST}\n</completion>", DIST),
    case("fresh-tags-06", "java", JAVA_GREET, "<FILL_HERE>name</FILL_HERE>", "name"),
    case("fresh-tags-07", "python", PY_AREA,
         "<completion>\n    return math.pi * radius ** 2\n</completion>", "radius ** 2"),
    case("fresh-tags-08", "c", C_MAX, "<completion><code>a > b ? a : b;</code></completion>",
         "a > b ? a : b;"),
    case("fresh-tags-09", "cpp", CPP_EVENS, "<completion>[](int x) { return x % 2 == 0; }",
         "[](int x) { return x % 2 == 0; }"),
    case("fresh-tags-10", "php", PHP_TOTAL, "```php\n<completion>$items", "$items"),
    case("fresh-tags-11", "kotlin", KT_PAL,
         "<completion>return cleaned == cleaned.reversed()</completion>\n"
         "<completion>return cleaned.reversed() == cleaned</completion>",
         "return cleaned == cleaned.reversed()"),
    case("fresh-tags-12", "lua", LUA_CLAMP, f"<|begin_of_box|>{LUA_BODY}<|end_of_box|>",
         LUA_BODY),
    case("fresh-tags-13", "python", PY_AREA, "<|fim_middle|>radius ** 2<|endoftext|>",
         "radius ** 2"),
    case("fresh-tags-14", "swift", SWIFT_FIB, f"<completion>{FIB}\n<|im_end|>", FIB),
    case("fresh-tags-15", "csharp", CS_ADD, "  <completion>a + b;</completion>", "a + b;"),
    case("fresh-tags-16", "python", PY_EVEN, "<completion>n % 2 == 0\n</completion>",
         "n % 2 == 0"),
    case("fresh-tags-17", "ruby", RB_NAME, '<completion>"#{first_name} #{last_name}"\n\n',
         '"#{first_name} #{last_name}"'),
    case("fresh-tags-18", "go", GO_SUM, f"<completion>\n{GO_BODY}\n", GO_BODY),
    case("fresh-tags-19", "javascript", JS_SUM, "<Completion>return a + b;</Completion>",
         "return a + b;"),
    case("fresh-tags-20", "java", JAVA_USER, "<completion>\n        return name;\n</completion>",
         "return name;"),

    # ------------------------------------------------ fences: every way a code block is opened
    case("fresh-fence-01", "python", PY_AREA, "```python\nradius ** 2\n```", "radius ** 2"),
    case("fresh-fence-02", "javascript", JS_NAMES, "``` javascript\n(u) => u.name\n```",
         "(u) => u.name"),
    case("fresh-fence-03", "typescript", TS_DIST,
         f"```typescript:src/geometry.ts\n{DIST}\n```", DIST),
    case("fresh-fence-04", "go", GO_ERR, "~~~go\nreturn nil, err\n~~~", "return nil, err"),
    case("fresh-fence-05", "rust", RS_DOC,
         "````rust\n/// # Examples\n///\n/// ```\n/// assert_eq!(add_one(1), 2);\n/// ```\n````",
         "/// # Examples\n///\n/// ```\n/// assert_eq!(add_one(1), 2);\n/// ```"),
    case("fresh-fence-06", "java", JAVA_USER,
         "Here is the missing line:\n\n```java\nreturn name;\n```\n\n"
         "This simply returns the field.", "return name;"),
    case("fresh-fence-07", "c", C_MAX, "```\na > b ? a : b;\n```", "a > b ? a : b;"),
    case("fresh-fence-08", "cpp", CPP_EVENS, "```c++\n[](int x) { return x % 2 == 0; }\n```",
         "[](int x) { return x % 2 == 0; }"),
    case("fresh-fence-09", "ruby", RB_NAME, '```rb\n"#{first_name} #{last_name}"\n```',
         '"#{first_name} #{last_name}"'),
    case("fresh-fence-10", "shellscript", SH_LOGS, '```bash\ngzip "$f"\n```', 'gzip "$f"'),
    case("fresh-fence-11", "sql", SQL_ORDERS, "```sql\nGROUP BY u.id, u.name\n```",
         "GROUP BY u.id, u.name"),
    case("fresh-fence-12", "yaml", YAML_PORTS, '```yaml\n"80:80"\n```', '"80:80"'),
    case("fresh-fence-13", "python", PY_EVEN, "```Python\nn % 2 == 0\n```", "n % 2 == 0"),
    case("fresh-fence-14", "javascript", JS_NAMES, "```js\n(u) => u.name", "(u) => u.name"),
    case("fresh-fence-15", "typescriptreact", TSX_LIST,
         "```tsx\n<li key={item.id}>{item.label}</li>\n```",
         "<li key={item.id}>{item.label}</li>"),
    case("fresh-fence-16", "python", PY_AREA, "`radius ** 2`", "radius ** 2"),
    case("fresh-fence-17", "javascript", JS_MSG, "<completion>`Hello, ${name}!`</completion>",
         "`Hello, ${name}!`"),
    case("fresh-fence-18", "python", PY_AREA, "<completion>\n```python\nradius ** 2\n```\n",
         "radius ** 2"),
    case("fresh-fence-19", "kotlin", KT_PAL,
         "```kt\nreturn cleaned == cleaned.reversed()\n```",
         "return cleaned == cleaned.reversed()"),
    case("fresh-fence-20", "swift", SWIFT_FIB,
         f"1. Add the recursive step:\n\n   ```swift\n   {FIB}\n   ```", FIB),
    case("fresh-fence-21", "go", GO_SUM, f"```go \n{GO_BODY}\n```", GO_BODY),
    case("fresh-fence-22", "lua", LUA_CLAMP, f"```lua\n{LUA_BODY}\n```\n", LUA_BODY),

    # ------------------------------------------------ prose around the code
    case("fresh-prose-01", "python", PY_AREA, "Sure! Here's the completion:\n\nradius ** 2",
         "radius ** 2"),
    case("fresh-prose-02", "javascript", JS_NAMES,
         "(u) => u.name\n\nThis maps each user to their name.", "(u) => u.name"),
    case("fresh-prose-03", "go", GO_ERR,
         '以下是补全的代码：\n\n```go\nreturn nil, fmt.Errorf("open config: %w", err)\n```',
         'return nil, fmt.Errorf("open config: %w", err)'),
    case("fresh-prose-04", "python", PY_EVEN,
         "<completion>n % 2 == 0</completion>\n\n这里使用取模运算判断 n 是否为偶数。",
         "n % 2 == 0"),
    case("fresh-prose-05", "java", JAVA_USER,
         "```java\nreturn name;\n```\n\n说明：直接返回 name 字段即可。", "return name;"),
    case("fresh-prose-06", "typescript", TS_DIST, f"**Completion:**\n```ts\n{DIST}\n```", DIST),
    case("fresh-prose-07", "rust", RS_PORT,
         "The missing piece is the `?` operator:\n\n```rust\n?\n```", "?"),
    case("fresh-prose-08", "c", C_MAX, "Answer: a > b ? a : b;", "a > b ? a : b;"),
    case("fresh-prose-09", "python", PY_LOAD,
         "<completion>data = json.load(fh)\n\nNote: `json` is already imported at the top.",
         "data = json.load(fh)"),
    case("fresh-prose-10", "kotlin", KT_PAL,
         "```kotlin\nreturn cleaned == cleaned.reversed()\n```\n\n"
         "The function compares the cleaned string with its reverse.",
         "return cleaned == cleaned.reversed()"),
    case("fresh-prose-11", "java", JAVA_USER, "补全如下：\nreturn name;", "return name;"),
    case("fresh-prose-12", "ruby", RB_NAME,
         "Here's what goes at `<FILL_HERE>`:\n\n```ruby\n\"#{first_name} #{last_name}\"\n```",
         '"#{first_name} #{last_name}"'),
    case("fresh-prose-13", "csharp", CS_ADD,
         "The expression body just adds the two numbers:\n\n```csharp\na + b;\n```", "a + b;"),
    case("fresh-prose-14", "go", GO_SUM,
         f"```go\n{GO_BODY}\n```\n\n这段代码遍历切片并累加每个元素。", GO_BODY),
    case("fresh-prose-15", "python", PY_EVEN,
         "I'll complete the return statement.\n\n<completion>n % 2 == 0</completion>",
         "n % 2 == 0"),
    case("fresh-prose-16", "lua", LUA_CLAMP,
         f"{LUA_BODY}\n\nThis clamps x into the range [lo, hi].", LUA_BODY),

    # ------------------------------------------------ reasoning, inline or in its own channel
    case("fresh-think-01", "python", PY_LOAD,
         "<think>\nThe function opens the file and returns data, so data must be parsed "
         "from fh. json is imported.\n</think>\n\n<completion>data = json.load(fh)",
         "data = json.load(fh)"),
    case("fresh-think-02", "go", GO_ERR,
         '<think>\n\n</think>\n\n<completion>return nil, fmt.Errorf("open config: %w", err)',
         'return nil, fmt.Errorf("open config: %w", err)'),
    case("fresh-think-03", "go", GO_ERR, "\n\n<completion>return nil, err", "return nil, err"),
    case("fresh-think-04", "javascript", JS_SUM,
         "The user wants the body of sum. It should return a + b.\n</think>\n\n"
         "<completion>return a + b;</completion>", "return a + b;"),
    case("fresh-think-05", "python", PY_EVEN,
         "◁think▷The function checks evenness; modulo 2.◁/think▷<completion>n % 2 == 0",
         "n % 2 == 0"),
    case("fresh-think-06", "lua", LUA_CLAMP,
         f"<think>\nClamp x between lo and hi.\n</think>\n\n```lua\n{LUA_BODY}\n```", LUA_BODY),
    case("fresh-think-07", "python", PY_LOAD,
         "<think>\nFirst idea:\n```python\ndata = fh.read()\n```\nBut the file is JSON "
         "and json is imported, so parse it.\n</think>\n<completion>data = json.load(fh)",
         "data = json.load(fh)"),
    case("fresh-think-08", "typescript", TS_DIST,
         "Distance between two points. A draft:\n```ts\nreturn 0;\n```\nNo, use hypot.\n"
         f"</think>\n\n<completion>{DIST}", DIST),
    case("fresh-think-09", "java", JAVA_USER,
         "<thinking>\nA getter returns the field.\n</thinking>\n\n<completion>return name;",
         "return name;"),
    case("fresh-think-10", "lua", LUA_CLAMP,
         f"<think>clamp</think>\n<|begin_of_box|>{LUA_BODY}<|end_of_box|>", LUA_BODY),
    case("fresh-think-11", "rust", RS_PORT, "\n<completion>?", "?"),
    case("fresh-think-12", "python", PY_EVEN,
         "Okay, so I need to fill in the hole after `return`. The function is is_even, so "
         "it should return whether n is divisible by 2.\n\n<completion>n % 2 == 0",
         "n % 2 == 0"),
    case("fresh-think-13", "kotlin", KT_PAL,
         "<think>\nCompare with the reverse.\n</think>\n\n```kotlin\n"
         "return cleaned == cleaned.reversed()\n```\n\nThis returns true for palindromes.",
         "return cleaned == cleaned.reversed()"),
    case("fresh-think-14", "c", C_PRINT,
         "<think>\nprint each element on its own line\n</think>\n\n"
         f"<completion>{PRINT_LOOP}", PRINT_LOOP),
    case("fresh-think-15", "swift", SWIFT_FIB,
         f"<think>\nRecursive fibonacci; base case handled by guard.\n</think>\n{FIB}", FIB),
    case("fresh-think-16", "python", PY_AREA,
         "<think>\nArea of a circle: pi r squared. The line already has `math.pi * `.\n"
         "</think>\n\n<completion>\nradius ** 2\n", "radius ** 2"),

    # ------------------------------------------------ echo: what is already before the cursor
    case("fresh-echo-01", "python", PY_AREA, "return math.pi * radius ** 2", "radius ** 2"),
    case("fresh-echo-02", "java", JAVA_PROFILE, "<completion>getProfileSummary()",
         "fileSummary()"),
    case("fresh-echo-03", "javascript", JS_FETCH, "<completion>fetch(url);", "ch(url);"),
    case("fresh-echo-04", "javascript", JS_FETCH,
         "<completion>const res = await fetch(url);", "ch(url);"),
    case("fresh-echo-05", "python", HE_TRUNC,
         "```python\ndef truncate_number(number: float) -> float:\n"
         '    """ Given a positive floating point number, return its decimal part.\n'
         "    >>> truncate_number(3.5)\n    0.5\n"
         '    """\n    return number % 1.0\n```', "return number % 1.0"),
    case("fresh-echo-06", "go", GO_SUM,
         "```go\nfunc sum(xs []int) int {\n\ttotal := 0\n\tfor _, x := range xs {\n"
         "\t\ttotal += x\n\t}\n\treturn total\n}\n```", GO_BODY),
    case("fresh-echo-07", "python", PY_SQUARE, '<completion>"""Return the square of x."""',
         'Return the square of x."""'),
    case("fresh-echo-08", "typescript", TS_CACHE,
         "Cursor line:\nconst cache = new Map<string, number>();", "number"),
    case("fresh-echo-09", "c", C_PRINT,
         "```c\nvoid print_array(const int *arr, size_t n) {\n"
         "    for (size_t i = 0; i < n; i++) {\n        printf(\"%d\\n\", arr[i]);\n    }\n}\n```",
         PRINT_LOOP),
    case("fresh-echo-10", "python", PY_FIZZ,
         '<completion>if i % 15 == 0:\n            print("FizzBuzz")\n'
         '        elif i % 3 == 0:\n            print("Fizz")\n        elif i % 5 == 0:\n'
         '            print("Buzz")\n        else:\n            print(i)',
         'elif i % 3 == 0:\n            print("Fizz")\n        elif i % 5 == 0:\n'
         '            print("Buzz")\n        else:\n            print(i)'),
    case("fresh-echo-11", "php", PHP_TOTAL,
         "<completion>$total = array_sum(array_map(fn($i) => $i['price'], $items));",
         "$items"),
    case("fresh-echo-12", "ruby", RB_NAME,
         '```ruby\ndef full_name\n  "#{first_name} #{last_name}"\nend\n```',
         '"#{first_name} #{last_name}"'),
    case("fresh-echo-13", "swift", SWIFT_FIB,
         "```swift\nfunc fibonacci(n: Int) -> Int {\n    guard n > 1 else { return n }\n"
         f"    {FIB}\n}}\n```", FIB),
    case("fresh-echo-14", "python", PY_AREA, "<completion>math.pi * radius ** 2",
         "radius ** 2"),
    case("fresh-echo-15", "csharp", CS_ADD,
         "<completion>public static int Add(int a, int b) => a + b;", "a + b;"),
    case("fresh-echo-16", "java", JAVA_GREET,
         '<completion>String greeting = "Hello, " + name;', "name"),
    case("fresh-echo-17", "yaml", YAML_PORTS, '<completion>- "80:80"', '"80:80"'),

    # ------------------------------------------------ suffix: what already follows the cursor
    case("fresh-suffix-01", "python", PY_GREET, '<completion>name}")', "name"),
    case("fresh-suffix-02", "javascript", JS_NAMES, "<completion>(u) => u.name);",
         "(u) => u.name"),
    case("fresh-suffix-03", "html", HTML_NAV, "<completion>Home</a></li>", "Home"),
    case("fresh-suffix-04", "cpp", CPP_EVENS,
         "<completion>[](int x) { return x % 2 == 0; });", "[](int x) { return x % 2 == 0; }"),
    case("fresh-suffix-05", "typescript", TS_CACHE, "<completion>number>();", "number"),
    case("fresh-suffix-06", "rust", RS_PORT, "<completion>?;", "?"),
    case("fresh-suffix-07", "javascript", JS_DEBOUNCE,
         "<completion>\n    clearTimeout(timer);\n"
         "    timer = setTimeout(() => fn.apply(this, args), wait);\n  };\n}",
         "\n    clearTimeout(timer);\n    timer = setTimeout(() => fn.apply(this, args), wait);"),
    case("fresh-suffix-08", "c", C_PRINT, f"<completion>{PRINT_LOOP}\n}}", PRINT_LOOP),
    case("fresh-suffix-09", "java", JAVA_USER, "<completion>return name;\n    }\n}",
         "return name;"),
    case("fresh-suffix-10", "python", PY_LOAD,
         "<completion>data = json.load(fh)\n    return data", "data = json.load(fh)"),
    case("fresh-suffix-11", "go", GO_ERR, "<completion>return nil, err\n\t}",
         "return nil, err"),
    case("fresh-suffix-12", "sql", SQL_ORDERS,
         "<completion>GROUP BY u.id, u.name\nORDER BY orders DESC;", "GROUP BY u.id, u.name"),
    case("fresh-suffix-13", "javascript", JS_LOG,
         "<completion>`Total: ${total}`);\n  return total;", "`Total: ${total}`"),
    case("fresh-suffix-14", "php", PHP_TOTAL, "<completion>$items));", "$items"),
    case("fresh-suffix-15", "javascript", JS_CHECK,
         "<completion>\n    return null;\n  }", "\n    return null;\n  }"),
    case("fresh-suffix-16", "go", GO_PRINT, '<completion>"total:", total)',
         '"total:", total'),
    case("fresh-suffix-17", "csharp", CS_HELLO, '<completion>name}");', "name"),
    case("fresh-suffix-18", "kotlin", KT_LIST, "<completion>2, 3, 5, 7, 11)",
         "2, 3, 5, 7, 11"),
    case("fresh-suffix-19", "rust", RS_VEC, "<completion>0; n]", "0; n"),
    case("fresh-suffix-20", "javascript", JS_FIND,
         "<completion>const user = users.find((u) => u.id === id);\n"
         "  if (user) return user;\n  return null;",
         "const user = users.find((u) => u.id === id);\n  if (user) return user;"),
    case("fresh-suffix-21", "shellscript", SH_LOGS, '<completion>gzip "$f"\ndone',
         'gzip "$f"'),
    case("fresh-suffix-22", "lua", LUA_CLAMP, f"<completion>{LUA_BODY}\nend", LUA_BODY),
    case("fresh-suffix-23", "python", PY_GREET, '<completion>name}")\n', "name"),

    # ------------------------------------------------ whitespace and line breaks
    case("fresh-ws-01", "python", PY_ROWS,
         "<completion>for row in rows:\r\n        print(row)\r\n",
         "for row in rows:\n        print(row)"),
    case("fresh-ws-02", "java", JAVA_USER, "<completion>return name;   ", "return name;"),
    case("fresh-ws-03", "go", GO_SUM,
         "<completion>for _, x := range xs {\n        total += x\n    }", GO_BODY),
    case("fresh-ws-04", "python", PY_ROWS, "<completion>for row in rows:\n\t\tprint(row)",
         "for row in rows:\n        print(row)"),
    case("fresh-ws-05", "javascript", JS_SUM, "<completion>\nreturn a + b;</completion>",
         "return a + b;"),
    case("fresh-ws-06", "python", PY_STACK, "<completion>\n        self.items = []",
         "\n        self.items = []"),
    case("fresh-ws-07", "javascript", JS_ADD, "<completion>\n  return a + b;\n</completion>",
         "\n  return a + b;"),
    case("fresh-ws-08", "python", PY_TOTAL, "<completion> sum(values)", "sum(values)"),
    case("fresh-ws-09", "c", C_MAX_NOSPACE, "<completion> a > b ? a : b;",
         " a > b ? a : b;"),
    case("fresh-ws-10", "python", PY_ROWS,
         "<completion>    for row in rows:\n        print(row)",
         "for row in rows:\n        print(row)"),
    case("fresh-ws-11", "python", PY_FIZZ,
         '<completion>elif i % 3 == 0:\n    print("Fizz")\nelse:\n    print(i)',
         'elif i % 3 == 0:\n            print("Fizz")\n        else:\n            print(i)'),
    case("fresh-ws-12", "javascript", JS_FIND,
         "<completion>for (const user of users) {\n    if (user.id === id) {\n"
         "      return user;\n    }\n  }",
         "for (const user of users) {\n    if (user.id === id) {\n      return user;\n    }\n  }"),
    case("fresh-ws-13", "javascript", JS_FIND,
         "<completion>for (const user of users) {\n        if (user.id === id) {\n"
         "            return user;\n        }\n    }",
         "for (const user of users) {\n    if (user.id === id) {\n      return user;\n    }\n  }"),
    case("fresh-ws-14", "java", JAVA_USER, "<completion>return name;\n\n   \n", "return name;"),
    case("fresh-ws-15", "javascript", JS_NAMES, "```js\r\n(u) => u.name\r\n```\r\n",
         "(u) => u.name"),
    case("fresh-ws-16", "python", "def total(xs):\n    result = 0\n|\n    return result\n",
         "<completion>    for x in xs:\n        result += x",
         "    for x in xs:\n        result += x"),
    case("fresh-ws-17", "c", "int sum(const int *a, int n) {\n\tint s = 0;\n\t|\n\treturn s;\n}\n",
         "<completion>for (int i = 0; i < n; i++)\n\t\ts += a[i];",
         "for (int i = 0; i < n; i++)\n\t\ts += a[i];"),
    case("fresh-ws-18", "typescript", TS_DIST, f"<completion>{DIST}  \n", DIST),
    case("fresh-ws-19", "python", PY_STACK, "<completion>\n\n        self.items = []\n\n",
         "\n        self.items = []"),
    case("fresh-ws-20", "rust", RS_MATCH,
         '<completion>Color::Red => write!(f, "red"),\n'
         '            Color::Green => write!(f, "green"),\n'
         '            Color::Blue => write!(f, "blue"),',
         'Color::Red => write!(f, "red"),\n            Color::Green => write!(f, "green"),\n'
         '            Color::Blue => write!(f, "blue"),'),
    case("fresh-ws-21", "rust", RS_MATCH,
         '```rust\nColor::Red => write!(f, "red"),\nColor::Green => write!(f, "green"),\n'
         'Color::Blue => write!(f, "blue"),\n```',
         'Color::Red => write!(f, "red"),\n            Color::Green => write!(f, "green"),\n'
         '            Color::Blue => write!(f, "blue"),'),

    # ------------------------------------------------ several answers offered
    case("fresh-choice-01", "python", PY_EVEN,
         "Option A:\n```python\nn % 2 == 0\n```\n\nOption B (bitwise):\n```python\n"
         "not n & 1\n```", "n % 2 == 0"),
    case("fresh-choice-02", "javascript", JS_NAMES,
         "Option 1 (arrow function):\n```js\n(u) => u.name\n```\n"
         "Option 2 (destructuring):\n```js\n({ name }) => name\n```", "(u) => u.name"),
    case("fresh-choice-03", "java", JAVA_USER,
         "**Option A** — return the field:\n```java\nreturn name;\n```\n"
         "**Option B** — never null:\n```java\nreturn name == null ? \"\" : name;\n```",
         "return name;"),
    case("fresh-choice-04", "go", GO_ERR,
         "You could either return the error as is:\n\n```go\nreturn nil, err\n```\n\n"
         "or wrap it:\n\n```go\nreturn nil, fmt.Errorf(\"read config: %w\", err)\n```",
         "return nil, err"),
    case("fresh-choice-05", "rust", RS_PORT,
         "方案一：\n```rust\n?\n```\n方案二：\n```rust\n.unwrap()\n```", "?"),

    # ------------------------------------------------ other reply formats: JSON, diffs, files
    case("fresh-format-01", "python", PY_EVEN, '{"completion": "n % 2 == 0"}', "n % 2 == 0"),
    case("fresh-format-02", "go", GO_SUM,
         '```json\n{"completion": "for _, x := range xs {\\n\\t\\ttotal += x\\n\\t}"}\n```',
         GO_BODY),
    case("fresh-format-03", "python", PY_AREA,
         "```diff\n@@ -4,2 +4,2 @@\n def area(radius):\n-    return math.pi * \n"
         "+    return math.pi * radius ** 2\n```", "radius ** 2"),
    case("fresh-format-04", "javascript", JS_FIND,
         "```diff\n function findUser(users, id) {\n"
         "+  const user = users.find((u) => u.id === id);\n+  if (user) return user;\n"
         "   return null;\n }\n```",
         "const user = users.find((u) => u.id === id);\n  if (user) return user;"),
    case("fresh-format-05", "java", JAVA_USER,
         "```java\npublic class User {\n    // ... existing code ...\n\n"
         "    public String getName() {\n        return name;\n    }\n}\n```", "return name;"),
    case("fresh-format-06", "python", PY_LOAD,
         '<file path="main.py">\nimport json\n\n\ndef load(path):\n    with open(path) as fh:\n'
         "        data = json.load(fh)\n    return data\n</file>", "data = json.load(fh)"),
    case("fresh-format-07", "javascript", JS_SUM,
         "// ...existing code...\n  return a + b;\n// ...existing code...", "return a + b;"),
    case("fresh-format-08", "typescript", TS_DIST,
         f'```json\n{{\n  "completion": "{DIST}"\n}}\n```', DIST),
    case("fresh-format-09", "go", GO_ERR,
         "```go\nfunc readConfig(path string) (*Config, error) {\n\tf, err := os.Open(path)\n"
         "\tif err != nil {\n\t\treturn nil, err\n\t}\n\tdefer f.Close()\n"
         "\treturn parse(f)\n}\n```", "return nil, err"),
    case("fresh-format-10", "python", PY_ROWS,
         "```python\n# ... existing code ...\n    for row in rows:\n        print(row)\n```",
         "for row in rows:\n        print(row)"),

    # ------------------------------------------------ nothing to add
    case("fresh-none-01", "python", "x = compute()|\n", "<completion></completion>", ""),
    case("fresh-none-02", "javascript", "const done = true;|\n", "No completion needed.", ""),
    case("fresh-none-03", "go", GO_ERR, "<completion>\n</completion>", ""),
    case("fresh-none-04", "java", JAVA_USER, "<completion>// TODO: implement", ""),
    case("fresh-none-05", "python", "total = a + b|\n", "无需补全。", ""),
    case("fresh-none-06", "rust", "fn main() {}|\n", "The code is already complete.", ""),
    case("fresh-none-07", "javascript", JS_FIND, "<completion>return null;", ""),
    case("fresh-none-08", "python", "y = x * 2|\n",
         "<think>\nThe line is finished.\n</think>\n\n<completion></completion>", ""),
    case("fresh-none-09", "typescript", "export const VERSION = '1.0.0';|\n",
         "<completion>\n", ""),

    # ------------------------------------------------ where the block ends
    case("fresh-block-01", "python", "def summarize(rows):\n    |\n",
         "<completion>total = 0\n    count = 0\n\n    for row in rows:\n"
         "        total += row.value\n        count += 1\n\n"
         "    return total / count if count else 0.0",
         "total = 0\n    count = 0\n\n    for row in rows:\n        total += row.value\n"
         "        count += 1\n\n    return total / count if count else 0.0"),
    case("fresh-block-02", "javascript", JS_SUM,
         "<completion>return a + b;\n}\n\nfunction sub(a, b) {\n  return a - b;\n}",
         "return a + b;"),
    case("fresh-block-03", "python", PY_SIGN, "<completion>else:\n        return -1",
         "else:\n        return -1"),
    case("fresh-block-04", "ruby", RB_TIMES, '<completion>\n  puts "hello"\nend',
         '\n  puts "hello"\nend'),
    case("fresh-block-05", "python", PY_ANSWER,
         "<completion>return 42\n\n\nprint(answer())", "return 42"),
    case("fresh-block-06", "python", PY_STACK,
         "<completion>\n        self.items = []\n\n    def push(self, item):\n"
         "        self.items.append(item)", "\n        self.items = []"),
    case("fresh-block-07", "javascript", JS_ADD,
         "<completion>\n  return a + b;\n}\n\nconsole.log(add(1, 2));", "\n  return a + b;"),
    case("fresh-block-08", "c", C_PRINT,
         f"<completion>{PRINT_LOOP}\n}}\n\nint main(void) {{\n    return 0;\n}}", PRINT_LOOP),
    case("fresh-block-09", "go", GO_ERR,
         "<completion>return nil, err\n\t}\n\tdefer f.Close()\n\treturn parse(f)\n}",
         "return nil, err"),
    case("fresh-block-10", "python", "def parse(text):\n    try:\n        |\n",
         "<completion>return int(text)\n    except ValueError:\n        return None",
         "return int(text)\n    except ValueError:\n        return None"),
    case("fresh-block-11", "typescriptreact", TSX_LIST,
         "<completion><li key={item.id}>{item.label}</li>\n      ))}\n    </ul>",
         "<li key={item.id}>{item.label}</li>"),

    # ------------------------------------------------ HumanEval infilling in chat wrapping
    case("fresh-humaneval-01", "python", HE_CLOSE,
         "Here is the missing line:\n\n```python\n"
         "                distance = abs(elem - elem2)\n```",
         "                distance = abs(elem - elem2)\n"),
    case("fresh-humaneval-02", "python", HE_CLOSE,
         "<completion>                distance = abs(elem - elem2)\n",
         "                distance = abs(elem - elem2)\n"),
    case("fresh-humaneval-03", "python", HE_TRUNC,
         "<think>\nThe decimal part is number modulo 1.\n</think>\n\n```python\n"
         "return number % 1.0\n```", "return number % 1.0"),
    case("fresh-humaneval-04", "python", HE_BELOW,
         "Here's the code to fill in:\n\n```python\n        balance += op\n"
         "        if balance < 0:\n            return True\n```",
         "balance += op\n        if balance < 0:\n            return True"),
    case("fresh-humaneval-05", "python", HE_FILTER, "<completion>substring in x]",
         "substring in x"),
    case("fresh-humaneval-06", "python", HE_THIRD,
         "```python\nl[::3] = sorted(l[::3])\n```", "sorted(l[::3])"),
    case("fresh-humaneval-07", "python", HE_ADD,
         "The function should return the sum:\n\n```python\nreturn x + y\n```",
         "return x + y"),
    case("fresh-humaneval-08", "python", HE_STRLEN, "<completion>string)", "string"),
    case("fresh-humaneval-09", "python", HE_FIB,
         "<completion>if n == 1:\n        return 1", "if n == 1:\n        return 1"),
    case("fresh-humaneval-10", "python", HE_FIB,
         "```python\n    if n == 1:\n        return 1\n```", "if n == 1:\n        return 1"),
    case("fresh-humaneval-11", "python", HE_VOWELS,
         "```python\n        if ch in 'aeiou':\n            count += 1\n```",
         "        if ch in 'aeiou':\n            count += 1\n"),
    case("fresh-humaneval-12", "python", HE_BELOW,
         "<think>\nAdd each operation to balance and report when it goes negative.\n"
         "</think>\n\n<completion>balance += op\n        if balance < 0:\n"
         "            return True",
         "balance += op\n        if balance < 0:\n            return True"),
    case("fresh-humaneval-13", "python", HE_STRLEN,
         "```python\n    return len(string)\n```", "string"),
    case("fresh-humaneval-14", "python", HE_ADD,
         "```python\ndef add(x: int, y: int):\n    \"\"\"Add two numbers x and y\n"
         "    >>> add(2, 3)\n    5\n    \"\"\"\n    return x + y\n```\n\n"
         "This returns the sum of x and y.", "return x + y"),
    # ------------------------------------------------ more suffix: balance, not text equality
    case("fresh-suffix-24", "python", "print(|)\n", "<completion>len(items)", "len(items)"),
    case("fresh-suffix-25", "python", "print(|)\n", "<completion>len(items))", "len(items)"),
    case("fresh-suffix-26", "python", "matrix = [|]\n", "<completion>[1, 2], [3, 4]",
         "[1, 2], [3, 4]"),
    case("fresh-suffix-27", "python", "matrix = [|]\n", "<completion>[1, 2], [3, 4]]",
         "[1, 2], [3, 4]"),
    case("fresh-suffix-28", "javascript", "if (|) {\n  run();\n}\n", "<completion>x > 0) {",
         "x > 0"),
    case("fresh-suffix-29", "python", 'name = input("|")\n', '<completion>Enter your name: ")',
         "Enter your name: "),
    case("fresh-suffix-30", "python", 'name = "|"\n', '<completion>"Alice"', "Alice"),
    case("fresh-suffix-31", "python", "    total = |  # the sum\n".lstrip(),
         "<completion>a + b  # the sum", "a + b"),
    case("fresh-suffix-32", "javascript", "foo(|);\n", "<completion>a, b); // call foo",
         "a, b"),
    case("fresh-suffix-33", "c", "#include <|>\n", "<completion>stdio.h>", "stdio.h"),
    case("fresh-suffix-34", "cpp", "std::vector<|> values;\n", "<completion>int>", "int"),
    case("fresh-suffix-35", "rust", "fn longest<'a>(x: &'a str, y: &|) -> &'a str {\n}\n",
         "<completion>'a str", "'a str"),
    case("fresh-suffix-36", "ruby", 'puts "Hello, #{|}"\n', '<completion>name}"', "name"),
    case("fresh-suffix-37", "python", "print(user.na|)\n", "<completion>name)", "me"),
    case("fresh-suffix-38", "javascript", "const url = `${base}/|`;\n",
         "<completion>users/${id}`;", "users/${id}"),
    case("fresh-suffix-39", "python", "print(|)\n", "<completion>\nlen(items)", "len(items)"),
    case("fresh-suffix-40", "javascript", "function f(xs) {\n  let total = 0;\n  |\n"
         "  return total;\n}\n",
         "<completion>for (const x of xs) total += x;\n  return total",
         "for (const x of xs) total += x;"),
    case("fresh-suffix-41", "javascript", "function f() {\n  const a = 1;\n  |\n"
         "  const b = 2;\n  return a + b;\n}\n",
         "<completion>const b = 2;\n  return a + b;", ""),
    case("fresh-suffix-42", "kotlin", 'fun describe(n: Int): String = when {\n    |\n}\n',
         '<completion>n < 0 -> "negative"\n    n == 0 -> "zero"\n    else -> "positive"\n}',
         'n < 0 -> "negative"\n    n == 0 -> "zero"\n    else -> "positive"'),
    case("fresh-suffix-43", "javascript", "const config = {|\n};\n",
         "<completion>\n  port: 8080,\n};", "\n  port: 8080,"),
    case("fresh-suffix-44", "python", "if isinstance(value, (int, |)):\n    pass\n",
         "<completion>float)):", "float"),

    # ------------------------------------------------ more lines: openers and needed closers
    case("fresh-ws-22", "javascript", "const config = {|\n\nmodule.exports = config;\n",
         '<completion>\n  port: 8080,\n  host: "localhost",\n};',
         '\n  port: 8080,\n  host: "localhost",\n};'),
    case("fresh-ws-23", "python", "colors = [|\n", '<completion>\n    "red",\n    "green",\n]',
         '\n    "red",\n    "green",\n]'),
    case("fresh-ws-24", "c", "struct point {|\n", "<completion>\n    int x;\n    int y;\n};",
         "\n    int x;\n    int y;\n};"),
    case("fresh-ws-25", "shellscript", 'if [ -f "$1" ]; then|\n',
         '<completion>\n  cat "$1"\nfi', '\n  cat "$1"\nfi'),
    case("fresh-ws-26", "lua", "for i = 1, #items do|\nend\n",
         "<completion>\n  print(items[i])\nend", "\n  print(items[i])"),
    case("fresh-ws-27", "python", "result = compute(|\nprint(result)\n", "<completion>a, b)",
         "a, b)"),
    case("fresh-ws-28", "javascript", "const double = (x) =>|\n", "<completion> x * 2;",
         " x * 2;"),
    case("fresh-ws-29", "python", PY_ROWS, "<completion>for row in rows:\n  print(row)",
         "for row in rows:\n        print(row)"),
    case("fresh-ws-30", "python", PY_LOAD,
         "<completion>\n        data = json.load(fh)\n</completion>", "data = json.load(fh)"),
    case("fresh-ws-31", "yaml", 'ports:\n  - "80:80"\n  |\n', '<completion>- "443:443"',
         '- "443:443"'),
    case("fresh-ws-32", "go", GO_SUM, "```go\n\tfor _, x := range xs {\n\t\ttotal += x\n\t}\n```",
         GO_BODY),

    # ------------------------------------------------ code that only looks like noise
    case("fresh-keep-01", "python", PY_LOAD,
         "<completion># parse the file as JSON\n        data = json.load(fh)",
         "# parse the file as JSON\n        data = json.load(fh)"),
    case("fresh-keep-02", "java", JAVA_USER, "<completion>// 返回名字\n        return name;",
         "// 返回名字\n        return name;"),
    case("fresh-keep-03", "markdown", "# Usage\n\nInstall with:\n\n|\n",
         "<completion>```bash\npip install vc-lsp\n```", "```bash\npip install vc-lsp\n```"),
    case("fresh-keep-04", "shellscript", "now=|\n", "<completion>`date +%s`", "`date +%s`"),
    case("fresh-keep-05", "html", "<ul>\n  |\n</ul>\n",
         "<completion><li>Home</li>\n  <li>About</li>", "<li>Home</li>\n  <li>About</li>"),
    case("fresh-keep-06", "html", "<p>Install with |</p>\n",
         "<completion><code>npm install vc-lsp</code>.</p>", "<code>npm install vc-lsp</code>."),
    case("fresh-keep-07", "java",
         "public class User {\n    private final String name;\n\n    |\n}\n",
         "<completion>/**\n     * Returns the name.\n     */\n    public String getName() {\n"
         "        return name;\n    }",
         "/**\n     * Returns the name.\n     */\n    public String getName() {\n"
         "        return name;\n    }"),
    case("fresh-keep-08", "javascript", "const settings = |;\n",
         '<completion>{ "completion": "inline", "debounce": 75 }',
         '{ "completion": "inline", "debounce": 75 }'),
    case("fresh-keep-09", "typescriptreact",
         "export function App() {\n  return (\n    <main>\n      |\n    </main>\n  );\n}\n",
         "<completion><Header title=\"Home\" />\n      <Content />",
         "<Header title=\"Home\" />\n      <Content />"),
    case("fresh-keep-10", "python", 'def greet(name):\n    |\n',
         "<completion>print(f\"Note: {name} signed in\")", 'print(f"Note: {name} signed in")'),

    # ------------------------------------------------ more prose, options, reasoning
    case("fresh-prose-17", "python", PY_AREA, "The completion is `radius ** 2`.", "radius ** 2"),
    case("fresh-choice-06", "python", PY_EVEN, "Option A: n % 2 == 0\nOption B: not n & 1",
         "n % 2 == 0"),
    case("fresh-think-17", "python", PY_EVEN,
         "<think>\nI must put only the missing text inside <completion> tags. "
         "It is a parity check.\n</think>\n\n<completion>n % 2 == 0", "n % 2 == 0"),
    case("fresh-think-18", "python", PY_EVEN,
         "<think>\nThe user wants the parity check. Let me think about whether n can be", ""),
    case("fresh-tags-21", "python", PY_AREA,
         "<|begin_of_box|>```python\nradius ** 2\n```<|end_of_box|>", "radius ** 2"),
    case("fresh-none-10", "javascript", JS_SUM, "<completion>//", ""),
    case("fresh-echo-18", "php", "<?php\nfunction add($a, $b) {\n    |\n}\n",
         "```php\n<?php\nreturn $a + $b;\n```", "return $a + $b;"),
    case("fresh-echo-19", "javascript", "if (isValid(|)) {\n  save();\n}\n",
         "<completion>if (isValid(input)) {", "input"),
    # ------------------------------------------------ variants of the shapes above
    case("fresh-suffix-45", "python", "print(|)\n", "<completion>\nlen(items)\n</completion>",
         "len(items)"),
    case("fresh-suffix-46", "java", "class A {\n    List<|> names = new ArrayList<>();\n}\n",
         "<completion>String>", "String"),
    case("fresh-suffix-47", "rust", "fn bytes() -> Vec<|> {\n    Vec::new()\n}\n",
         "<completion>u8>", "u8"),
    case("fresh-suffix-48", "javascript", "const s = '|';\n", "<completion>'hello'", "hello"),
    case("fresh-suffix-49", "javascript", "const x = |; // total\n",
         "<completion>a + b; // total", "a + b"),
    case("fresh-suffix-50", "java",
         "class A {\n    int[] run(int n) {\n        int[] out = new int[n];\n        |\n"
         "        return out;\n    }\n}\n",
         "<completion>Arrays.fill(out, 1);\n        return out", "Arrays.fill(out, 1);"),
    case("fresh-suffix-51", "python", 'names = ["|"]\n', '<completion>"Alice", "Bob"]',
         'Alice", "Bob'),
    case("fresh-tags-22", "python", PY_EVEN, "<FILL>n % 2 == 0</FILL>", "n % 2 == 0"),
    case("fresh-tags-23", "java", JAVA_USER,
         "<completion>\n<code>\nreturn name;\n</code>\n</completion>", "return name;"),
    case("fresh-tags-24", "go", GO_ERR, "<completion>\n<completion>\nreturn nil, err\n",
         "return nil, err"),
    case("fresh-tags-25", "python", PY_EVEN, "<completion><answer>n % 2 == 0</answer>",
         "n % 2 == 0"),
    case("fresh-tags-26", "html", "<p>Install with |</p>\n",
         "<completion><code>npm i vc-lsp</code></completion>", "<code>npm i vc-lsp</code>"),
    case("fresh-echo-20", "python", PY_LOAD,
         "```python\nimport json\n\ndata = json.load(fh)\n```", "data = json.load(fh)"),
    case("fresh-echo-21", "go", GO_ERR,
         '```go\nimport "fmt"\n\nreturn nil, fmt.Errorf("open config: %w", err)\n```',
         'return nil, fmt.Errorf("open config: %w", err)'),
    case("fresh-echo-22", "shellscript", SH_LOGS, '```sh\n#!/bin/sh\ngzip "$f"\n```',
         'gzip "$f"'),
    case("fresh-echo-23", "typescript", TS_CACHE,
         "Cursor line:\n```ts\nconst cache = new Map<string, number>();\n```", "number"),
    case("fresh-choice-07", "javascript", JS_NAMES,
         "Option 1: (u) => u.name\nOption 2: ({ name }) => name", "(u) => u.name"),
    case("fresh-choice-08", "go", GO_SUM,
         f"Option A:\n{GO_BODY}\n\nOption B:\nfor i := range xs {{\n\t\ttotal += xs[i]\n\t}}",
         GO_BODY),
    case("fresh-format-11", "python", PY_EVEN,
         '{"completion": "n % 2 == 0", "explanation": "modulo 2 is 0 for even numbers"}',
         "n % 2 == 0"),
    case("fresh-keep-11", "markdown", "# Demo\n\n```python\n|\n```\n",
         '```python\nprint("hi")\n```', 'print("hi")'),
    case("fresh-keep-12", "javascript", "const defaults = |;\n",
         '<completion>{"completion": "auto", "delay": 50}', '{"completion": "auto", "delay": 50}'),
    case("fresh-none-11", "python", "def f():\n    |\n", "<completion>#", ""),
    case("fresh-ws-33", "python", "def show(rows):\n    |\n",
         "<completion>if rows:\n  for row in rows:\n    print(row)",
         "if rows:\n        for row in rows:\n            print(row)"),
    case("fresh-ws-34", "typescript", TS_DIST,
         "<completion>const dx = a.x - b.x;\n    const dy = a.y - b.y;\n"
         "    return Math.sqrt(dx * dx + dy * dy);",
         "const dx = a.x - b.x;\n  const dy = a.y - b.y;\n  return Math.sqrt(dx * dx + dy * dy);"),
    case("fresh-fence-23", "python", PY_ROWS,
         "1. Loop over the rows:\n\n   ```python\n   for row in rows:\n       print(row)\n   ```",
         "for row in rows:\n        print(row)"),
    # ------------------------------------------------ second blind batch (written after the fixes)
    case("fresh-keep-13", "python",
         "def mean(xs):\n    # Compute the |\n    return sum(xs) / len(xs)\n",
         "<completion>average of the values", "average of the values"),
    case("fresh-keep-14", "python",
         'def total(xs):\n    """Return the |"""\n    return sum(xs)\n',
         '<completion>sum of xs."""', "sum of xs."),
    case("fresh-keep-15", "markdown", "# vc-lsp\n\nThis project |\n",
         "<completion>is a language server that brings AI completions to any editor.",
         "is a language server that brings AI completions to any editor."),
    case("fresh-keep-16", "json", '{\n  "name": "|"\n}\n', '<completion>vc-lsp"', "vc-lsp"),
    case("fresh-keep-17", "css", ".card {\n  color: |;\n}\n", "<completion>#333;", "#333"),
    case("fresh-prose-18", "python", PY_AREA, "补全内容为 `radius ** 2`。", "radius ** 2"),
    case("fresh-prose-19", "python", PY_LOAD,
         "<completion>data = json.load(fh)\n\n---\n**Explanation:** parses the file as JSON.",
         "data = json.load(fh)"),
    case("fresh-prose-20", "python", PY_AREA, "`radius ** 2`\n\nThis computes r squared.",
         "radius ** 2"),
    case("fresh-tags-27", "python", PY_AREA, "<pre><code>radius ** 2</code></pre>",
         "radius ** 2"),
    case("fresh-tags-28", "python", PY_AREA,
         "<|channel|>analysis<|message|>Need the area formula.<|end|><|start|>assistant"
         "<|channel|>final<|message|><completion>radius ** 2", "radius ** 2"),
    case("fresh-tags-29", "python", PY_AREA,
         "<|channel|>final<|message|>radius ** 2<|return|>", "radius ** 2"),
    case("fresh-none-12", "javascript", "const done = true;|\n", "<completion/>", ""),
    case("fresh-none-13", "python", "x = compute()|\n", "<completion />", ""),
    case("fresh-none-14", "python", PY_ROWS,
         "I cannot determine what goes here without more context.", ""),
    case("fresh-none-15", "go", GO_ERR, "```go\n```", ""),
    case("fresh-none-16", "python", PY_ROWS,
         "I'm sorry, but I can't help with that.", ""),
    case("fresh-suffix-52", "python", "items = [\n    1,\n    |\n]\n", "<completion>2,\n    3,\n]",
         "2,\n    3,"),
    case("fresh-suffix-53", "typescriptreact",
         'export const Card = ({ title }: Props) => (\n  <div className="card">\n    |\n'
         "  </div>\n);\n",
         "<completion><h2>{title}</h2>\n  </div>", "<h2>{title}</h2>"),
    case("fresh-suffix-54", "python", "x = foo(|)  # noqa\n", "<completion>bar)  # noqa", "bar"),
    case("fresh-suffix-55", "sql", "SELECT * FROM users WHERE |;\n",
         "<completion>active = 1 AND deleted_at IS NULL;", "active = 1 AND deleted_at IS NULL"),
    case("fresh-echo-24", "python", PY_GREET,
         '<completion>    print(f"Hello, {name}")\n    return name', "name"),
    case("fresh-echo-25", "go", GO_PRINT, '<completion>fmt.Println("total:", total)',
         '"total:", total'),
    case("fresh-echo-26", "javascript", JS_REDUCE,
         "```js\nconst total = items.reduce((sum, item) => sum + item.price, 0);\n```", "0"),
    case("fresh-think-19", "python", PY_LOAD,
         "<think>\nThe file is JSON.\n</think>\nThe answer is:\n\ndata = json.load(fh)",
         "data = json.load(fh)"),
    case("fresh-think-20", "go", GO_SUM,
         "<think></think>\n\n```go\n" + GO_BODY + "\n```", GO_BODY),
    case("fresh-think-21", "java", JAVA_USER,
         "<think>\nThe getter should return the field `name`. In Java:\n```java\nreturn name;\n"
         "```\nThat is all.\n</think>\n\n<completion>return name;", "return name;"),
    case("fresh-ws-35", "python", "def f(a, b):\n\tif a:\n\t\t|\n",
         "<completion>return b\n    else:\n        return a",
         "return b\n\telse:\n\t\treturn a"),
    case("fresh-ws-36", "ruby", RB_NAME, '<completion>  "#{first_name} #{last_name}"  \n',
         '"#{first_name} #{last_name}"'),
    case("fresh-ws-37", "javascript", JS_SUM, "<completion>\r\nreturn a + b;\r\n</completion>",
         "return a + b;"),
    case("fresh-choice-09", "python", PY_EVEN,
         "Two options:\n\n1. `n % 2 == 0`\n2. `not n & 1`", "n % 2 == 0"),
    case("fresh-format-12", "python", PY_ROWS,
         "```python\n    for row in rows:\n        print(row)\n```\n\n```python\nshow([1, 2])\n```",
         "for row in rows:\n        print(row)"),
    case("fresh-block-12", "go", "func main() {\n\tfor i := 0; i < 3; i++ {|\n\t}\n}\n",
         "<completion>\n\t\tfmt.Println(i)\n\t}\n}", "\n\t\tfmt.Println(i)"),
    case("fresh-block-13", "python", "def g(x):\n    |\n",
         "<completion>if x:\n        return 1\n    return 0\n\n\ndef h(y):\n    return y",
         "if x:\n        return 1\n    return 0"),
    # ------------------------------------------------ third batch: shapes of other assistants'
    # post-processing suites (scope limits, duplicated closers, trimmed spaces), written anew
    case("fresh-scope-01", "javascript", 'const err = new Error("boom");\nconsole.warn(|msg);\n',
         "<completion>msg);\nthrow err;", ""),
    case("fresh-scope-02", "javascript", 'const err = new Error("boom");\nconsole.warn(|msg);\n',
         "<completion>err, ", "err, "),
    case("fresh-scope-03", "javascript", "function findMin(arr) {|}\n",
         "<completion>\n  let min = arr[0];\n  for (const x of arr) {\n    if (x < min) {\n"
         "      min = x;\n    }\n  }\n  return min;\n}",
         "\n  let min = arr[0];\n  for (const x of arr) {\n    if (x < min) {\n      min = x;\n"
         "    }\n  }\n  return min;\n"),
    case("fresh-scope-04", "javascript", "let count =|\n", "<completion> 0;\nlet total = 0;",
         " 0;"),
    case("fresh-scope-05", "javascript",
         "function readJson(text) {\n  try {\n    console.debug|\n  } catch (err) {\n"
         "    return undefined;\n  }\n}\n",
         '<completion>("reading", text);\n    return JSON.parse(text);\n  } catch (e) {\n'
         "    return undefined;\n  }\n}", '("reading", text);'),
    case("fresh-scope-06", "javascript", "function findMin(arr) {|}\n",
         "<completion>\n  let min = arr[0];\n  for (const x of arr) {\n    if (x < min) min = x;\n"
         "  }\n  return min;\n}\nconsole.log(findMin([3, 1, 2]));",
         "\n  let min = arr[0];\n  for (const x of arr) {\n    if (x < min) min = x;\n  }\n"
         "  return min;\n"),
    case("fresh-scope-07", "javascript",
         "function findMin(arr) {\n  let min = arr[0];\n  for|\n}\n",
         "<completion> (const x of arr) {\n    if (x < min) {\n      min = x;\n    }\n  }\n"
         "  return min;\n}\nconsole.log(findMin([3, 1, 2]));",
         " (const x of arr) {\n    if (x < min) {\n      min = x;\n    }\n  }"),
    case("fresh-scope-08", "javascript",
         "function findMin(arr) {\n  let min = arr[0];|\n}\n",
         "<completion>\n  for (const x of arr) {\n    if (x < min) min = x;\n  }\n  return min;\n}",
         "\n  for (const x of arr) {\n    if (x < min) min = x;\n  }\n  return min;"),
    case("fresh-scope-09", "javascript", 'function greet() {\n  console.log("hi");\n  |\n',
         "<completion>}", "}"),
    case("fresh-scope-10", "javascript",
         'function greet() {\n  console.log("hi");|\n  console.log("bye");\n}\n',
         "<completion>\n}", ""),
    case("fresh-scope-11", "javascript",
         "function readJson(text) {\n  try {\n    |\n  }\n}\n",
         "<completion>return JSON.parse(text);\n  } catch (e) {\n    return undefined;\n  }\n}",
         "return JSON.parse(text);\n  } catch (e) {\n    return undefined;"),
    case("fresh-scope-12", "python", "def find_min(arr):\n    |\n",
         "<completion>low = arr[0]\n    for x in arr:\n        if x < low:\n            low = x\n"
         "    return low\nprint(find_min([3, 1, 2]))",
         "low = arr[0]\n    for x in arr:\n        if x < low:\n            low = x\n"
         "    return low"),
    case("fresh-dup-01", "javascript", "function hello() {\n  |\n}\n",
         '<completion>console.log("hello");\n}', 'console.log("hello");'),
    case("fresh-dup-02", "javascript",
         "function check(ok) {\n  if (!ok) {\n    |\n  } else {\n    return;\n  }\n}\n",
         '<completion>throw new Error("not ok");\n  }', 'throw new Error("not ok");'),
    case("fresh-dup-03", "javascript", "function check(ok) {\n  if (!ok) {\n    |\n}\n",
         '<completion>throw new Error("not ok");\n  }', 'throw new Error("not ok");\n  }'),
    case("fresh-dup-04", "rust", "fn main() {\n    let v = vec![1, 2, 3];\n    |\n}\n",
         '<completion>for x in &v {\n        println!("{}", x);\n    }\n}',
         'for x in &v {\n        println!("{}", x);\n    }'),
    case("fresh-trim-01", "javascript", "let foo = new |\n", "<completion>Foo(); ", "Foo();"),
    case("fresh-trim-02", "javascript", "let total = sum(|rest);\n", "<completion>first, ",
         "first, "),
    case("fresh-trim-03", "javascript", "let total = sum(| rest);\n", "<completion>first, ",
         "first,"),
    case("fresh-trim-04", "javascript", "function sum(a, b) {\n|\n}\n",
         "<completion>  return a + b;", "  return a + b;"),
    case("fresh-trim-05", "javascript", "let foo = |\n", "<completion> compute(a, b);",
         "compute(a, b);"),
    case("fresh-trim-06", "typescript",
         "function clamp(n: number, lo: number, hi: number): number {\n  |\n}\n",
         "<completion>  return Math.max(Math.min(n, hi), lo);",
         "return Math.max(Math.min(n, hi), lo);"),
    case("fresh-trim-07", "typescript",
         "function clamp(n: number, lo: number, hi: number): number {\n|\n}\n",
         "<completion>  return Math.max(Math.min(n, hi), lo);",
         "  return Math.max(Math.min(n, hi), lo);"),
    case("fresh-trim-08", "python",
         'def hello():\n    return "world"\n\n\ndef find_min(arr):|\n',
         "<completion>\n  low = arr[0]\n  for x in arr:\n    if x < low:\n      low = x\n"
         "  return low",
         "\n    low = arr[0]\n    for x in arr:\n        if x < low:\n            low = x\n"
         "    return low"),
    case("fresh-rep-01", "python", "def f():\n    |\n",
         "<completion>return 1\n" + "# " + "ha" * 40, "return 1"),
    case("fresh-rep-02", "javascript", "const table = [\n  |\n];\n",
         "<completion>[0, 0, 0],\n  [0, 0, 0],\n  [0, 0, 0],",
         "[0, 0, 0],\n  [0, 0, 0],\n  [0, 0, 0],"),
    case("fresh-scope-13", "python", "def total(xs):\n    s = 0\n    for|\n    return s\n",
         "<completion> x in xs:\n        s += x\n    return s", " x in xs:\n        s += x"),
    case("fresh-scope-14", "go",
         "func check(err error) error {\n\tif err != nil|\n\treturn nil\n}\n",
         "<completion> {\n\t\treturn fmt.Errorf(\"check: %w\", err)\n\t}\n\treturn nil\n}",
         ' {\n\t\treturn fmt.Errorf("check: %w", err)\n\t}'),
    case("fresh-scope-15", "lua", "local function count(n)\n  for i = 1, n|\nend\n",
         "<completion> do\n    print(i)\n  end\nend", " do\n    print(i)\n  end"),
    case("fresh-scope-16", "python", "def total(xs):\n    s = 0\n    for|\n",
         "<completion> x in xs:", " x in xs:"),
    # ------------------------------------------------ an empty file (no prefix, no suffix)
    case("fresh-empty-01", "typescript", "|",
         "```typescript\nfunction hello() {\n  return 'world';\n}\n```",
         "function hello() {\n  return 'world';\n}"),
    case("fresh-empty-02", "javascript", "|", "```javascript\nconst x = 5;\nconsole.log(x);",
         "const x = 5;\nconsole.log(x);"),
    case("fresh-empty-03", "javascript", "|", "const y = 10;\nconsole.log(y);\n```",
         "const y = 10;\nconsole.log(y);"),
    case("fresh-empty-04", "javascript", "|",
         "const str = `template ${literal}`;\nconsole.log(str);",
         "const str = `template ${literal}`;\nconsole.log(str);"),
    case("fresh-empty-05", "python", "|", "  ```python\ndef hello():\n  pass\n```",
         "def hello():\n  pass"),
    case("fresh-empty-06", "python", "|", "```\nprint('here')\n  ```  ", "print('here')"),
    # ------------------------------------------------ fourth batch: shapes of Continue's suite
    case("fresh-keep-18", "html", "<body>\n  <p>|</p>\n</body>\n",
         "<completion>This is a short paragraph of sample text.",
         "This is a short paragraph of sample text."),
    case("fresh-keep-19", "html", '<div class="card">\n  <h2>|</h2>\n</div>\n',
         "<completion>Welcome to the dashboard", "Welcome to the dashboard"),
    case("fresh-keep-21", "markdown",
         'A small example:\n\n```javascript\nfunction hi() {\n  console.log("Hi, |\n}\n```\n',
         '<completion>there!");', 'there!");'),
    case("fresh-scope-17", "go",
         'package main\n\nfunc main() {\n\tfmt.Println("hi")\n}\n\nfunc perimeter|\n',
         "<completion>(w float64, h float64) float64 {\n    return 2 * (w + h)\n}",
         "(w float64, h float64) float64 {\n\treturn 2 * (w + h)\n}"),
    case("fresh-scope-18", "kotlin",
         "fun main() {\n    println(\"hi\")\n}\n\nfun perimeter(w: Double, h: Double): Double |\n",
         "<completion>{\n    return 2 * (w + h)\n}", "{\n    return 2 * (w + h)\n}"),
    case("fresh-scope-19", "kotlin",
         "fun pick(a: Int, b: Int): Int {\n    if (a < b|\n    } else {\n        return b\n"
         "    }\n}\n",
         "<completion>) {\n        return a", ") {\n        return a"),
    case("fresh-scope-20", "typescript",
         "interface Base {}\n\ninterface Snippet|\n",
         "<completion> extends Base {\n  path: string;\n}", " extends Base {\n  path: string;\n}"),
    case("fresh-scope-21", "csharp",
         "public class Point\n{\n    public int X { get; set; }\n    public int Y { get; set; }\n\n"
         "    public Point(int x, int |\n}\n",
         "<completion>y)\n    {\n        X = x;\n        Y = y;\n    }",
         "y)\n    {\n        X = x;\n        Y = y;\n    }"),
    case("fresh-scope-22", "javascript",
         "export default {\n  methods: {\n    increment() {\n      this.count += 1;\n    },\n"
         "    reset|\n  },\n};\n",
         "<completion>() {\n      this.count = 0;\n    }", "() {\n      this.count = 0;\n    }"),
    case("fresh-scope-23", "c",
         "double area(double r) {\n    return 3.14159 * r * r;|\n\nint main(void) {\n"
         "    return 0;\n}\n",
         "<completion>\n}", "\n}"),
    case("fresh-scope-24", "rust",
         "impl Counter {\n    fn get(&self) -> u32 {\n        self.n\n    }\n\n    fn|\n}\n",
         "<completion> reset(&mut self) {\n    if self.n != 0 {\n        self.n = 0;\n    }\n}",
         " reset(&mut self) {\n        if self.n != 0 {\n            self.n = 0;\n"
         "        }\n    }"),
    case("fresh-scope-25", "java",
         "public class Acc {\n    private double total;\n\n    public void add(double x) {\n"
         "        total += x;\n|",
         "<completion>\n    }\n\n    public void sub(double x) {\n        total -= x;\n    }\n",
         "    }"),
    case("fresh-suffix-56", "typescriptreact",
         "useEffect(() => {\n  const id = setInterval(tick, 1000);\n\n  |;\n\n"
         "  return () => clearInterval(id);\n}, []);\n",
         "<completion>return () => clearInterval(id);", ""),
    case("fresh-ws-38", "sql",
         "SELECT u.id\nFROM users u\nWHERE u.active = 1\n  |", "<completion> AND u.age > 18",
         "AND u.age > 18"),
    case("fresh-scope-26", "csharp",
         "class Rect\n{\n    int w, h;\n\n    public int Area()|\n}\n",
         "<completion>\n    {\n        return w * h;\n    }",
         "\n    {\n        return w * h;\n    }"),
    case("fresh-scope-27", "c", "int square(int x)|\n",
         "<completion>\n{\n    return x * x;\n}", "\n{\n    return x * x;\n}"),
    case("fresh-scope-28", "java",
         "class Rect {\n    int w, h;\n\n    public int area()|\n}\n",
         "<completion> {\n        return w * h;\n    }", " {\n        return w * h;\n    }"),
    case("fresh-keep-22", "typescriptreact",
         'export const Save = () => <button className="primary">|</button>;\n',
         "<completion>Save changes", "Save changes"),
    # ------------------------------------------------ fifth batch: hole talk and reasoning quirks
    case("fresh-prose-21", "python", PY_AREA,
         "The `<FILL_HERE>` should be replaced with `radius ** 2`.", "radius ** 2"),
    case("fresh-prose-22", "python", PY_AREA,
         "Replace `<FILL_HERE>` with:\n\n```python\nradius ** 2\n```", "radius ** 2"),
    case("fresh-prose-23", "python", PY_AREA,
         "<think>\nr squared\n</think>\n\n**Final answer:**\n\n```python\nradius ** 2\n```",
         "radius ** 2"),
    case("fresh-keep-23", "python", PY_AREA, "<completion>radius ** 2  # area of a circle",
         "radius ** 2  # area of a circle"),
    case("fresh-think-22", "python", PY_EVEN,
         "<think>\nparity\n</think>\n<answer>\nn % 2 == 0\n</answer>", "n % 2 == 0"),
    case("fresh-think-23", "python", PY_EVEN,
         "<think>first</think>Let me check once more.<think>yes, modulo</think>"
         "<completion>n % 2 == 0", "n % 2 == 0"),
    case("fresh-think-24", "go", GO_ERR, "</think>\n\n<completion>return nil, err",
         "return nil, err"),
    case("fresh-think-25", "javascript", JS_SUM,
         "<think>\nThe body should add the numbers. I will answer with <completion> tags.\n"
         "</think>\n\nreturn a + b;", "return a + b;"),
    case("fresh-tags-30", "python", PY_AREA,
         "```\nreturn math.pi * <FILL_HERE>\n```\n\n```python\nradius ** 2\n```", "radius ** 2"),
    case("fresh-tags-31", "python", PY_AREA, "<FILL_HERE>: radius ** 2", "radius ** 2"),
]

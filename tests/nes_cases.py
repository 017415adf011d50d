"""The next-edit scenario table: what the user just did, what the model answers, and exactly
which edits the editor must be offered.

Each scenario starts from a file, applies the user's recent edits (``user``, in order, each at
its position in the text as it is by then; ``typed`` ones key by key), and then the model answers
the editable region (the whole file: the tests set ``nes.regionLines`` high) in one of the forms
models answer in. ``expect`` is the exact list of minimal edits, each at its position in the
text after the user's edits: ``E(line, before, old, new)`` replaces ``old``, which starts on
0-based ``line`` right after ``before`` (the line's exact text up to there), with ``new``.

By default the answer is the file with the expected edits applied; ``answer`` gives it when the
model writes something else (an undo, the region unchanged, an edit that is partly an undo).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

FORMS = ("whole", "fenced", "prose", "reasoning", "markers", "reasoning_field")


@dataclass(frozen=True)
class E:
    line: int
    before: str
    old: str
    new: str

    def offset(self, text: str) -> int:
        """Where the edit starts in ``text``; checks ``before`` and ``old`` are really there."""
        lines = text.split("\n")
        start = sum(len(x) + 1 for x in lines[:self.line]) + len(self.before)
        assert lines[self.line].startswith(self.before), (self, lines[self.line])
        assert text[start:start + len(self.old)] == self.old, (self, text[start:][:40])
        return start

    def apply(self, text: str) -> str:
        start = self.offset(text)
        return text[:start] + self.new + text[start + len(self.old):]


@dataclass(frozen=True)
class Scenario:
    name: str
    kind: str  # rename, field, signature, fix, loop, drop
    language: str
    start: str
    user: tuple[E, ...]
    expect: tuple[E, ...]
    form: str = "fenced"
    answer: str | None = None  # the model's region; default: the expected result
    typed: bool = False  # the user's edits arrive key by key
    eol: str = "\n"
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.kind}-{self.language}-{self.name}"

    def after_user(self) -> str:
        text = self.start
        for e in self.user:
            text = e.apply(text)
        return text

    def final(self) -> str:
        """The text once every expected edit is applied (positions all in ``after_user``)."""
        text = self.after_user()
        for e in sorted(self.expect, key=lambda e: e.offset(text), reverse=True):
            text = e.apply(text)
        return text

    def region_answer(self) -> str:
        return self.answer if self.answer is not None else self.final()


EXT = {"python": "py", "typescript": "ts", "javascript": "js", "go": "go", "rust": "rs",
       "java": "java", "c": "c", "ruby": "rb", "cpp": "cpp"}


def wrap(form: str, region: str, language: str, note: str = "the next edit"
         ) -> tuple[str, list[str]]:
    """The model's raw answer in ``form``, and the reasoning sent as ``reasoning_content``."""
    region = region.replace("\r\n", "\n")  # models answer with plain line breaks
    body = region if region.endswith("\n") else region + "\n"
    fenced = f"```{language}\n{body}```\n"
    if form == "whole":
        return body, []
    if form == "fenced":
        return fenced, []
    if form == "prose":
        return (f"Here is the editable region after {note}:\n\n{fenced}\n"
                f"I applied the change your recent edits call for and kept the rest as is.\n"), []
    if form == "reasoning":
        return (f"<think>\nThe user just made an edit; {note} follows from it. I will rewrite the "
                f"region with that change and leave everything else alone.\n</think>\n\n"
                f"{fenced}"), []
    if form == "markers":
        return f"<|editable_region_start|>\n{body}<|editable_region_end|>\n", []
    if form == "reasoning_field":
        return fenced, ["The recent edit implies ", f"{note}; rewriting the region."]
    raise ValueError(form)


PY_AREA = '''def area(w, h):
    if w <= 0:
        raise ValueError("w must be positive")
    return w * h
'''

TS_TOTAL = '''function total(items: Item[]): number {
  let sum = 0;
  for (const item of items) {
    sum += item.price;
  }
  return sum;
}
'''

GO_HANDLER = '''package main

func handle(req *Request) error {
	if req.Body == nil {
		return errEmpty
	}
	log.Printf("handling %s", req.Path)
	return process(req.Body)
}
'''

RUST_SCALE = '''fn scale(v: &Vec<f64>, k: f64) -> Vec<f64> {
    let mut out = Vec::with_capacity(v.len());
    for x in v {
        out.push(x * k);
    }
    out
}
'''

JAVA_GREETER = '''public class Greeter {
    public String greet(String name) {
        String msg = "Hello, " + name;
        System.out.println(msg);
        return msg;
    }
}
'''

JS_FETCH = '''async function load(url) {
  const res = await fetch(url);
  if (!res.ok) {
    throw new Error(`failed: ${url}`);
  }
  return res.json();
}
'''

C_SUM = '''int sum(const int *xs, int n) {
    int total = 0;
    for (int i = 0; i < n; i++) {
        total += xs[i];
    }
    return total;
}
'''

PY_POINT = '''class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __repr__(self):
        return f"Point(x={self.x}, y={self.y})"
'''

TS_USER = '''class User {
  name: string;

  constructor(name: string) {
    this.name = name;
  }

  toString(): string {
    return `User(${this.name})`;
  }
}
'''

JAVA_ITEM = '''public class Item {
    private final String name;

    public Item(String name) {
        this.name = name;
    }

    @Override
    public String toString() {
        return "Item[name=" + name + "]";
    }
}
'''

GO_CONFIG = '''type Config struct {
	Host string
}

func NewConfig(host string) *Config {
	return &Config{Host: host}
}
'''

RUST_ACCOUNT = '''pub struct Account {
    pub owner: String,
}

impl Account {
    pub fn new(owner: String) -> Self {
        Account { owner }
    }
}
'''

PY_SEND = '''def send(msg):
    print(msg)


send("hello")
log = [send(m) for m in queue]
send("bye")
'''

TS_FORMAT = '''function format(value: number): string {
  return value.toFixed(2);
}

const a = format(price);
const b = format(tax);
console.log(format(total));
'''

GO_OPEN = '''func open(path string) (*File, error) {
	return os.Open(path)
}

func main() {
	f, _ := open("a.txt")
	g, _ := open("b.txt")
	use(f, g)
}
'''

RUST_PARSE = '''fn parse(s: &str) -> i64 {
    s.trim().parse().unwrap()
}

fn main() {
    let a = parse("1");
    let b = parse("2");
    println!("{}", a + b);
}
'''

JS_LOG = '''function log(message) {
  console.log(message);
}

log("start");
run();
log("end");
'''

PY_NONE = '''def clean(a, b, c):
    if a == None:
        a = 0
    if b == None:
        b = 0
    if c == None:
        c = 0
    return a + b + c
'''

TS_EQ = '''function same(a: unknown, b: unknown, c: unknown): boolean {
  if (a == b) return true;
  if (b == c) return true;
  return a == c;
}
'''

GO_ERR = '''func setup() error {
	if err := initDB(); err != nil {
		return err
	}
	if err := initCache(); err != nil {
		return err
	}
	return nil
}
'''

JAVA_EQUALS = '''class Check {
    boolean both(String a, String b, String c) {
        if (a == b) return true;
        return b == c;
    }
}
'''

C_BOUNDS = '''void fill(int *a, int *b, int n) {
    for (int i = 0; i <= n; i++) a[i] = 0;
    for (int j = 0; j <= n; j++) b[j] = 1;
}
'''

RUST_UNWRAP = '''fn load() -> Result<Config, Error> {
    let text = std::fs::read_to_string("a.toml").unwrap();
    let raw = toml::from_str(&text).unwrap();
    Ok(Config::from(raw))
}
'''

PY_ENUM = '''for i in range(len(names)):
    print(i, names[i])

for j in range(len(ages)):
    print(j, ages[j])
'''

JS_FOROF = '''for (let i = 0; i < users.length; i++) {
  greet(users[i]);
}
for (let i = 0; i < admins.length; i++) {
  promote(admins[i]);
}
'''

TS_FOREACH = '''orders.forEach((order) => {
  ship(order);
});
refunds.forEach((refund) => {
  pay(refund);
});
'''

GO_RANGE = '''for i := 0; i < len(hosts); i++ {
	ping(hosts[i])
}
for i := 0; i < len(ports); i++ {
	probe(ports[i])
}
'''

JAVA_FOREACH = '''for (int i = 0; i < files.size(); i++) {
    scan(files.get(i));
}
for (int i = 0; i < dirs.size(); i++) {
    walk(dirs.get(i));
}
'''

PY_COMPREHENSION = '''squares = []
for n in numbers:
    squares.append(n * n)
cubes = []
for n in numbers:
    cubes.append(n ** 3)
'''

PY_VERBOSE = '''def build(target, verbose):
    if verbose:
        print("building", target)
    compile(target)
    if verbose:
        print("done")
'''

RUBY_GREET = '''def greet(name)
  puts "Hello, #{name}"
  name.length
end
'''

CPP_WIDGET = '''struct Widget {
    int width;

    Widget(int width) : width(width) {}

    std::string str() const {
        return "Widget(" + std::to_string(width) + ")";
    }
};
'''


SCENARIOS: list[Scenario] = [
    # -- rename a parameter or variable, then its uses ----------------------------------------
    Scenario("param", "rename", "python", PY_AREA,
             user=(E(0, "def area(", "w", "width"),),
             expect=(E(1, "    if w", "", "idth"),
                     E(2, '        raise ValueError("w', "", "idth"),
                     E(3, "    return w", "", "idth")),
             form="fenced", typed=True),
    Scenario("local", "rename", "typescript", TS_TOTAL,
             user=(E(1, "  let ", "sum", "acc"),),
             expect=(E(3, "    ", "sum", "acc"), E(5, "  return ", "sum", "acc")),
             form="prose"),
    Scenario("param", "rename", "go", GO_HANDLER,
             user=(E(2, "func handle(", "req", "r"),),
             expect=(E(3, "\tif r", "eq", ""), E(6, '\tlog.Printf("handling %s", r', "eq", ""),
                     E(7, "\treturn process(r", "eq", "")),
             form="reasoning", typed=True),
    Scenario("param", "rename", "rust", RUST_SCALE,
             user=(E(0, "fn scale(v: &Vec<f64>, ", "k", "factor"),),
             expect=(E(3, "        out.push(x * ", "k", "factor"),),
             form="markers"),
    Scenario("local", "rename", "java", JAVA_GREETER,
             user=(E(2, "        String ", "msg", "greeting"),),
             expect=(E(3, "        System.out.println(", "ms", "greetin"),
                     E(4, "        return ", "ms", "greetin")),
             form="whole"),
    Scenario("local", "rename", "javascript", JS_FETCH,
             user=(E(1, "  const ", "res", "response"),),
             expect=(E(2, "  if (!res", "", "ponse"), E(5, "  return res", "", "ponse")),
             form="reasoning_field", typed=True),
    Scenario("local", "rename", "c", C_SUM,
             user=(E(1, "    int ", "total", "acc"),),
             expect=(E(3, "        ", "total", "acc"), E(5, "    return ", "total", "acc")),
             form="fenced"),
    Scenario("param", "rename", "ruby", RUBY_GREET,
             user=(E(0, "def greet(", "name", "who"),),
             expect=(E(1, '  puts "Hello, #{', "name", "who"), E(2, "  ", "name", "who")),
             form="prose"),
    # -- add a field, then the constructor and the repr -------------------------------------
    Scenario("field", "field", "python", PY_POINT,
             user=(E(3, "        self.y = y", "", "\n        self.z = z"),),
             expect=(E(1, "    def __init__(self, x, y", "", ", z"),
                     E(7, '        return f"Point(x={self.x}, y={self.y}', "", ", z={self.z}")),
             form="fenced", typed=True),
    Scenario("field", "field", "typescript", TS_USER,
             user=(E(1, "  name: string;", "", "\n  email: string;"),),
             expect=(E(4, "  constructor(name: string", "", ", email: string"),
                     E(6, "", "", "    this.email = email;\n"),
                     E(9, "    return `User(${this.name}", "", ", ${this.email}")),
             form="reasoning"),
    Scenario("field", "field", "java", JAVA_ITEM,
             user=(E(1, "    private final String name;", "", "\n    private final int count;"),),
             expect=(E(4, "    public Item(String name", "", ", int count"),
                     E(6, "", "", "        this.count = count;\n"),
                     E(10, '        return "Item[name=" + name + "', "", ', count=" + count + "')),
             form="prose"),
    Scenario("field", "field", "go", GO_CONFIG,
             user=(E(1, "\tHost string", "", "\n\tPort int"),),
             expect=(E(5, "func NewConfig(host string", "", ", port int"),
                     E(6, "\treturn &Config{Host: host", "", ", Port: port")),
             form="whole", typed=True),
    Scenario("field", "field", "rust", RUST_ACCOUNT,
             user=(E(1, "    pub owner: String,", "", "\n    pub balance: u64,"),),
             expect=(E(6, "    pub fn new(owner: String", "", ", balance: u64"),
                     E(7, "        Account { owner", "", ", balance")),
             form="markers"),
    Scenario("field", "field", "cpp", CPP_WIDGET,
             user=(E(1, "    int width;", "", "\n    int height;"),),
             expect=(E(4, "    Widget(int width", "", ", int height"),
                     E(4, "    Widget(int width) : width(width", "", "), height(height"),
                     E(7, '        return "Widget(" + std::to_string(width) + "', "",
                       ', " + std::to_string(height) + "')),
             form="fenced"),
    # -- change a call's signature, then its callers in the file ------------------------------
    Scenario("callers", "signature", "python", PY_SEND,
             user=(E(0, "def send(msg", "", ", channel"), E(1, "    print(msg", "", ", channel")),
             expect=(E(4, 'send("hello"', "", ", channel"),
                     E(5, "log = [send(m", "", ", channel"),
                     E(6, 'send("bye"', "", ", channel")),
             form="reasoning", typed=True),
    Scenario("callers", "signature", "typescript", TS_FORMAT,
             user=(E(0, "function format(value: number", "", ", digits: number"),
                   E(1, "  return value.toFixed(", "2", "digits")),
             expect=(E(4, "const a = format(price", "", ", 2"),
                     E(5, "const b = format(tax", "", ", 2"),
                     E(6, "console.log(format(total", "", ", 2")),
             form="whole"),
    Scenario("callers", "signature", "go", GO_OPEN,
             user=(E(0, "func open(path string", "", ", mode int"),
                   E(1, "\treturn os.Open", "", "File"),
                   E(1, "\treturn os.OpenFile(path", "", ", mode, 0")),
             expect=(E(5, '\tf, _ := open("a.txt"', "", ", 0"),
                     E(6, '\tg, _ := open("b.txt"', "", ", 0")),
             form="prose"),
    Scenario("callers", "signature", "rust", RUST_PARSE,
             user=(E(0, "fn parse(s: &str", "", ", radix: u32"),
                   E(1, "    ", "s.trim().parse().unwrap()",
                     "i64::from_str_radix(s.trim(), radix).unwrap()")),
             expect=(E(5, '    let a = parse("1"', "", ", 10"),
                     E(6, '    let b = parse("2"', "", ", 10")),
             form="reasoning_field"),
    Scenario("callers", "signature", "javascript", JS_LOG,
             user=(E(0, "function log(", "", "level, "), E(1, "  console.log(", "", "level, ")),
             expect=(E(4, 'log("', "", 'info", "'), E(6, 'log("', "", 'info", "')),
             form="fenced", typed=True),
    # -- repeat a fix -----------------------------------------------------------------------
    Scenario("is-none", "fix", "python", PY_NONE,
             user=(E(1, "    if a ", "==", "is"),),
             expect=(E(3, "    if b ", "==", "is"), E(5, "    if c ", "==", "is")),
             form="whole", typed=True),
    Scenario("strict-eq", "fix", "typescript", TS_EQ,
             user=(E(1, "  if (a ==", "", "="),),
             expect=(E(2, "  if (b ==", "", "="), E(3, "  return a ==", "", "=")),
             form="markers"),
    Scenario("wrap-error", "fix", "go", GO_ERR,
             user=(E(2, "\t\treturn ", "err", 'fmt.Errorf("init db: %w", err)'),),
             expect=(E(5, "\t\treturn ", "err", 'fmt.Errorf("init cache: %w", err)'),),
             form="reasoning"),
    Scenario("equals", "fix", "java", JAVA_EQUALS,
             user=(E(2, "        if (a", " == b", ".equals(b)"),),
             expect=(E(3, "        return b", " == c", ".equals(c)"),),
             form="prose", typed=True),
    Scenario("bounds", "fix", "c", C_BOUNDS,
             user=(E(1, "    for (int i = 0; i <", "=", ""),),
             expect=(E(2, "    for (int j = 0; j <", "=", ""),),
             form="fenced"),
    Scenario("question-mark", "fix", "rust", RUST_UNWRAP,
             user=(E(1, '    let text = std::fs::read_to_string("a.toml")', ".unwrap()", "?"),),
             expect=(E(2, "    let raw = toml::from_str(&text)", ".unwrap()", "?"),),
             form="whole"),
    # -- convert a loop style ----------------------------------------------------------------
    Scenario("enumerate", "loop", "python", PY_ENUM,
             user=(E(0, "for i", " in range(len(names)):", ", name in enumerate(names):"),
                   E(1, "    print(i, ", "names[i]", "name")),
             expect=(E(3, "for j", " in range(len(ages)", ", age in enumerate(ages"),
                     E(4, "    print(j, age", "s[j]", "")),
             form="prose"),
    Scenario("for-of", "loop", "javascript", JS_FOROF,
             user=(E(0, "for (", "let i = 0; i < users.length; i++", "const user of users"),
                   E(1, "  greet(", "users[i]", "user")),
             expect=(E(3, "for (", "let i = 0; i < admins.length; i++", "const admin of admins"),
                     E(4, "  promote(admin", "s[i]", "")),
             form="reasoning", typed=True),
    Scenario("foreach-to-for-of", "loop", "typescript", TS_FOREACH,
             user=(E(0, "", "orders.forEach((order) => {", "for (const order of orders) {"),
                   E(2, "}", ");", "")),
             expect=(E(3, "", "refunds.forEach((refund) =>", "for (const refund of refunds)"),
                     E(5, "}", ");", "")),
             form="fenced"),
    Scenario("range", "loop", "go", GO_RANGE,
             user=(E(0, "for ", "i := 0; i < len(hosts); i++", "_, host := range hosts"),
                   E(1, "\tping(", "hosts[i]", "host")),
             expect=(E(3, "for ", "i := 0; i < len(ports); i++", "_, port := range ports"),
                     E(4, "\tprobe(port", "s[i]", "")),
             form="markers"),
    Scenario("enhanced-for", "loop", "java", JAVA_FOREACH,
             user=(E(0, "for (", "int i = 0; i < files.size(); i++", "File file : files"),
                   E(1, "    scan(", "files.get(i)", "file")),
             expect=(E(3, "for (", "int i = 0; i < dirs.size(); i++", "File dir : dirs"),
                     E(4, "    walk(dir", "s.get(i)", "")),
             form="whole", typed=True),
    Scenario("comprehension", "loop", "python", PY_COMPREHENSION,
             user=(E(0, "squares = ", "[]\nfor n in numbers:\n    squares.append(n * n)",
                     "[n * n for n in numbers]"),),
             expect=(E(1, "cubes = [", "]\nfor n in numbers:\n    cubes.append(n ** 3)",
                       "n ** 3 for n in numbers]"),),
             form="reasoning_field"),
    # -- deletions and what must be dropped --------------------------------------------------
    Scenario("param-and-uses", "delete", "python", PY_VERBOSE,
             user=(E(0, "def build(target", ", verbose", ""),),
             expect=(E(1, "", '    if verbose:\n        print("building", target)\n', ""),
                     E(4, "", '    if verbose:\n        print("done")\n', "")),
             form="fenced"),
    Scenario("undo-only", "drop", "python", PY_AREA,
             user=(E(0, "def area(", "w", "width"),),
             expect=(), answer=PY_AREA, form="fenced"),
    Scenario("unchanged", "drop", "go", GO_HANDLER,
             user=(E(2, "func handle(", "req", "r"),),
             expect=(), answer=E(2, "func handle(", "req", "r").apply(GO_HANDLER), form="prose"),
    Scenario("undo-and-rename", "drop", "typescript", TS_TOTAL,
             user=(E(1, "  let ", "sum", "acc"),),
             expect=(E(3, "    ", "sum", "acc"),),
             answer=TS_TOTAL.replace("    sum +=", "    acc +="), form="reasoning"),
    Scenario("crlf", "rename", "python", PY_AREA.replace("\n", "\r\n"),
             user=(E(0, "def area(", "w", "width"),),
             expect=(E(1, "    if w", "", "idth"),
                     E(2, '        raise ValueError("w', "", "idth"),
                     E(3, "    return w", "", "idth")),
             form="fenced", eol="\r\n"),
]


def kinds() -> dict[tuple[str, str], int]:
    out: dict[tuple[str, str], int] = {}
    for s in SCENARIOS:
        out[(s.kind, s.language)] = out.get((s.kind, s.language), 0) + 1
    return out


Check = Callable[[Scenario], None]

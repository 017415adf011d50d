"""Repetition: a model caught in a loop is cut; lines that legitimately repeat are kept."""

from __future__ import annotations

from . import case

TABLE = "\n" + "\n".join(f"    print({i})" for i in range(20))

CASES = [
    case("py-same-line-ten-times", "python",
         "def log_all(items):\n    for it in items:\n        |\n",
         "print(it)\n" + "        print(it)\n" * 9, "print(it)"),
    case("py-two-line-block-repeated", "python", "def setup():\n    |\n",
         "a = 1\n    b = 2\n" * 3 + "    a = 1", "a = 1\n    b = 2"),
    case("py-max-lines", "python", "def table():|\n", TABLE,
         "\n    print(0)\n    print(1)\n    print(2)\n    print(3)", max_lines=4),
    case("py-three-equal-matrix-rows-kept", "python",
         "def zeros():\n    return [\n        |\n    ]\n",
         "[0, 0, 0],\n        [0, 0, 0],\n        [0, 0, 0],",
         "[0, 0, 0],\n        [0, 0, 0],\n        [0, 0, 0],"),
    case("c-three-equal-calls-kept", "c", "void blink(void) {\n    |\n}\n",
         "toggle();\n    toggle();\n    toggle();", "toggle();\n    toggle();\n    toggle();"),
    case("js-loop-of-function-blocks", "javascript", "function a() {}\n|\n",
         "function b() {}\nfunction b() {}\nfunction b() {}\nfunction b() {}\nfunction b() {}"
         "\nfunction b() {}", "function b() {}"),
    case("go-three-line-block-three-times", "go", "func main() {\n\t|\n}\n",
         ("x := 1\n\ty := 2\n\tz := 3\n\t" * 3) + "x := 1",
         "x := 1\n\ty := 2\n\tz := 3"),
    case("py-runaway-line-tail", "python", "x = [|\n", "1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, "
         "1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1", ""),
    case("ts-runaway-chars", "typescript", "const sep = |\n",
         "'" + "-" * 60 + "';", "'" + "-" * 60 + "';"),
    case("rust-four-equal-asserts-kept", "rust", "fn t() {\n    |\n}\n",
         "assert!(ok());\n    assert!(ok());\n    assert!(ok());\n    assert!(ok());",
         "assert!(ok());\n    assert!(ok());\n    assert!(ok());\n    assert!(ok());"),
    case("java-repeated-lines-in-loop", "java",
         "class A {\n    void f() {\n        |\n    }\n}\n",
         "log(\"x\");\n" + "        log(\"x\");\n" * 7, "log(\"x\");"),
    case("ruby-repeated-block", "ruby", "def f\n  |\nend\n",
         "a = 1\n  b = 2\n" * 4, "a = 1\n  b = 2"),
]

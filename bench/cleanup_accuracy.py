"""Benchmark: how many replies of a case set the cleanup turns into exactly the right insert.

Not a test: it prints figures. A case set is a module of tests/cleanup_cases/ (``fresh`` by
default: the adversarial set written without reading the rules); ``all`` scores the whole table.
Failures are listed by class (the case id's middle part: ``fresh-<class>-<n>``) with what was
inserted and what was wanted.

    python bench/cleanup_accuracy.py [fresh|all|<module> ...] [--quiet]
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.cleanup_cases import Case, all_cases, at_cursor
from vc_lsp.inline.cleanup import clean


def cases_of(name: str) -> list[Case]:
    if name == "all":
        return all_cases()
    module = importlib.import_module(f"tests.cleanup_cases.{name}")
    return list(module.CASES)


def klass(case_id: str) -> str:
    parts = case_id.split("-")
    return parts[1] if len(parts) > 2 else parts[0]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("sets", nargs="*", default=["fresh"])
    ap.add_argument("--quiet", action="store_true", help="figures only, no failing cases")
    args = ap.parse_args()
    for name in args.sets:
        cases = cases_of(name)
        failing: dict[str, list[tuple[Case, str]]] = defaultdict(list)
        total: dict[str, int] = defaultdict(int)
        for c in cases:
            total[klass(c.id)] += 1
            got = clean(c.raw, at_cursor(c.doc, c.language), max_lines=c.max_lines)
            if got != c.expected:
                failing[klass(c.id)].append((c, got))
        wrong = sum(len(v) for v in failing.values())
        right = len(cases) - wrong
        languages = len({c.language for c in cases})
        print(f"{name}: {right}/{len(cases)} exactly right ({100 * right / len(cases):.1f}%),"
              f" {languages} languages")
        for k in sorted(total):
            bad = len(failing.get(k, []))
            print(f"  {k:<12} {total[k] - bad:3d}/{total[k]:<3d}" + (f"  {bad} failing" if bad
                                                                      else ""))
        if args.quiet:
            continue
        for k in sorted(failing):
            print(f"\n[{k}]")
            for c, got in failing[k]:
                print(f"  {c.id} ({c.language}): got {got!r}\n{'':>{len(c.id) + 4}}want"
                      f" {c.expected!r}")


if __name__ == "__main__":
    main()

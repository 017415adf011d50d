"""Indentation widths, the one way every module measures them."""

from __future__ import annotations

TAB_WIDTH = 4


def lead(line: str) -> str:
    """A line's leading blanks (spaces and tabs)."""
    return line[:len(line) - len(line.lstrip(" \t"))]


def width(line: str, tab_size: int = TAB_WIDTH) -> int:
    """Columns of a line's leading blanks, tabs expanded to ``tab_size``."""
    return len(lead(line).expandtabs(tab_size))

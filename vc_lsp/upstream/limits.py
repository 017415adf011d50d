"""How much of an answer is read: a budget in characters and lines, counted as it streams.

A model that runs away (or a server that ignores ``max_tokens``) must not make the server
read, clean and write megabytes: each feature sets a budget, the reader counts each delta once
(no work that grows with the answer), and hangs up when the budget is spent.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class AnswerBudget:
    max_chars: int
    max_lines: int
    chars: int = 0
    lines: int = 0

    def spend(self, text: str) -> bool:
        """Count ``text``; True once the answer is over budget."""
        self.chars += len(text)
        self.lines += text.count("\n")
        return self.over

    @property
    def over(self) -> bool:
        return self.chars > self.max_chars or self.lines > self.max_lines

    def words(self, setting: str) -> str:
        """What was passed, for the user: "over actions.maxAnswerLines (4000)"."""
        if self.lines > self.max_lines:
            return f"over {setting}.maxAnswerLines ({self.max_lines})"
        return f"over {setting}.maxAnswerChars ({self.max_chars})"

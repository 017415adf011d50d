"""Markdown code fences as chat models write them, for every cleaner that has to remove them."""

from __future__ import annotations

import re

# ``` or ~~~ (three or more), an optional info string (language), nothing after but a title.
FENCE = re.compile(r"^[ \t]*(?P<mark>`{3,}|~{3,})[ \t]*(?P<info>[\w+#.-]*)[^`]*$")

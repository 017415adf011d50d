"""The inline cleanup's entry points, where the service has always imported them from.

The filters themselves live in ``vc_lsp/inline/cleanup/``, one module per habit of chat models.
"""

from __future__ import annotations

from .cleanup import block_end, clean, is_complete

__all__ = ["block_end", "clean", "is_complete"]

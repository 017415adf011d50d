"""What vc-lsp's requests cost: the usage ledger (a SQLite file shared by every server of the
user), the suggestions offered, shown and accepted, prices and the daily budget."""

from .acceptance import Acceptance
from .ledger import Ledger

__all__ = ["Acceptance", "Ledger"]

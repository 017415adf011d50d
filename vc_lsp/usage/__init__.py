"""What vc-lsp's requests cost: the usage ledger (``ledger``, over ``store``: a SQLite file
shared by every server of the user), the suggestions offered, shown and accepted
(``acceptance``), prices (``prices``) and the figures ``vc-lsp usage`` prints (``report``)."""

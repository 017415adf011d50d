"""LSP handlers, one module per feature; each stays thin and calls the service that owns it."""

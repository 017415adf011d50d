"""vc-lsp: AI completions and streamed edits for any LSP editor, from an OpenAI-compatible API."""

__version__ = "0.1.0"

-- Default client configuration for vc-lsp, found by `vim.lsp.config` / `vim.lsp.enable('vc_lsp')`
-- once this folder is on 'runtimepath' (Neovim 0.11+). `require('vc_lsp').setup()` adds the
-- completion, commands and keys on top; override any field with `vim.lsp.config('vc_lsp', {...})`.
return {
  cmd = { 'vc-lsp' },
  -- No `filetypes`: attach to every file buffer. No root markers: one server for all buffers.
  flags = {
    -- Neovim holds back `didChange` for 150 ms by default and, until a buffer's first change has
    -- gone out, restarts that timer on every change. A streamed edit then delays the user's own
    -- keystrokes, so typing would not stop a stream in time. 0 sends every change at once.
    debounce_text_changes = 0,
  },
}

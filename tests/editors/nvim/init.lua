-- Test init for tests/editors/test_neovim.py: loads editors/neovim exactly as a user would, points
-- it at the test's fake upstream, then loads events.lua, which reports what happens to the test.
local root = assert(vim.env.VC_TEST_ROOT, 'VC_TEST_ROOT is not set')
vim.opt.runtimepath:prepend(root .. '/editors/neovim')
vim.o.swapfile = false

require('vc_lsp').setup({
  cmd = vim.json.decode(assert(vim.env.VC_TEST_CMD)),
  -- baseUrl through initializationOptions; the model comes from VC_LSP_MODEL in the environment.
  init_options = { baseUrl = vim.env.VC_TEST_BASE_URL, inline = { debounceMs = 0 } },
  -- Next-edit suggestions ask the server after every change: only the tests about them.
  nes = vim.env.VC_TEST_NES == '1',
})

dofile(root .. '/tests/editors/nvim/events.lua')

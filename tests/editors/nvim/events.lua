-- Events for tests/editors/test_neovim.py, whatever set vc-lsp up (init.lua, or a README block):
-- tells the test over RPC when something happens, so it waits for events instead of sleeping.
-- With its terminal UI, Neovim dials the test (VC_TEST_RPC=host:port) and that connection is
-- both the test's RPC channel and where events go.
if vim.env.VC_TEST_RPC then
  vim.g.vc_test_channel = vim.fn.sockconnect('tcp', vim.env.VC_TEST_RPC, { rpc = true })
end

--- Send `vc_test(event, data)` to the test's RPC channel (set as g:vc_test_channel).
local function tell(event, data)
  local channel = vim.g.vc_test_channel
  if channel then
    vim.rpcnotify(channel, 'vc_test', event, data == nil and vim.NIL or data)
  end
end
_G.vc_test_tell = tell

local function lines()
  return vim.api.nvim_buf_get_lines(0, 0, -1, false)
end

vim.api.nvim_create_autocmd('LspAttach', {
  callback = function(args)
    local client = vim.lsp.get_client_by_id(args.data.client_id)
    if client and client.name == 'vc_lsp' then
      tell('attached', {
        encoding = client.offset_encoding,
        completion = client.server_capabilities.completionProvider ~= nil,
        debounce = client.flags.debounce_text_changes,
      })
    end
  end,
})

vim.api.nvim_create_autocmd('CompleteChanged', {
  callback = function()
    local words = {}
    for _, item in ipairs(vim.fn.complete_info({ 'items' }).items) do
      words[#words + 1] = item.word
    end
    tell('menu', words)
  end,
})

vim.api.nvim_create_autocmd('CompleteDone', {
  callback = function()
    local reason = vim.v.event.reason
    vim.schedule(function() -- after every other CompleteDone handler, editors/neovim's included
      tell('completed', { reason = reason, lines = lines(), cursor = vim.api.nvim_win_get_cursor(0) })
    end)
  end,
})

vim.api.nvim_create_autocmd('InsertLeave', {
  callback = function()
    vim.schedule(function()
      tell('normal', { lines = lines() })
    end)
  end,
})

-- Every change of a buffer (vc-lsp's streamed edits included), with its whole text.
function _G.vc_test_watch(buf)
  vim.api.nvim_buf_attach(buf, false, {
    on_lines = function()
      vim.schedule(function()
        tell('changed', { lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false) })
      end)
    end,
  })
end

-- Messages as the user sees them: editors/neovim shows the server's through vim.notify.
local notify = vim.notify
vim.notify = function(msg, level, opts)
  tell('message', { message = msg, type = level })
  return notify(msg, level, opts)
end

-- Work-done progress (e.g. a streamed edit's), when it ends.
vim.api.nvim_create_autocmd('LspProgress', {
  callback = function(args)
    local value = args.data.params.value
    if type(value) == 'table' and value.kind == 'end' then
      vim.schedule(function()
        tell('progress-end', { message = value.message })
      end)
    end
  end,
})

-- Windows opening and closing (the explanation's split).
vim.api.nvim_create_autocmd({ 'WinNew', 'WinClosed' }, {
  callback = function(args)
    vim.schedule(function()
      tell('windows', { event = args.event, count = #vim.api.nvim_tabpage_list_wins(0) })
    end)
  end,
})

-- vc-lsp's status (didChangeStatus), as editors/neovim keeps it.
vim.api.nvim_create_autocmd('User', {
  pattern = 'VcLspStatus',
  callback = function(args)
    local data = args.data or {}
    vim.schedule(function()
      tell('status', { kind = data.kind, state = data.state, message = data.message,
                       busy = data.busy, line = require('vc_lsp').statusline() })
    end)
  end,
})

-- A next-edit suggestion drawn by editors/neovim (lua/vc_lsp/nes.lua), with the buffer's text.
vim.api.nvim_create_autocmd('User', {
  pattern = 'VcNextEditShown',
  callback = function(args)
    local data = args.data or {}
    tell('nes-shown', { line = data.line, col = data.col, text = data.text, lines = lines(),
      cursor = vim.api.nvim_win_get_cursor(0) })
  end,
})

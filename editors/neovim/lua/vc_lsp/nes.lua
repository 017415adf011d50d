--- Next-edit suggestions for vc-lsp in Neovim 0.11+: after an edit, the edit you will probably make
--- next (anywhere near the cursor) is drawn where it goes, with extmarks; one key jumps there, one
--- accepts it, one dismisses it.
---
--- The server is asked with `textDocument/copilotInlineEdit` after every change (`triggerKind` 2:
--- it waits for a pause in your typing itself, and answers at once when a suggestion is already
--- there, e.g. the next use after you accepted one). A suggestion is for one version of the
--- buffer: any change clears it and asks again. Once one is drawn, `User VcNextEditShown` fires
--- with `data = { bufnr, line, col, text }` (0-based line, byte column).
local M = {}

local METHOD = 'textDocument/copilotInlineEdit'
local ns = vim.api.nvim_create_namespace('vc_lsp_next_edit')

---@type table<integer, { edit: table, client_id: integer, version: integer, row: integer, col: integer }>
local shown = {}

local function highlights()
  vim.api.nvim_set_hl(0, 'VcNextEditAdd', { default = true, link = 'DiffAdd' })
  vim.api.nvim_set_hl(0, 'VcNextEditDelete', { default = true, link = 'DiffDelete' })
  vim.api.nvim_set_hl(0, 'VcNextEditHint', { default = true, link = 'Comment' })
end

--- Forget and undraw the buffer's suggestion.
function M.clear(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if vim.api.nvim_buf_is_valid(bufnr) then
    vim.api.nvim_buf_clear_namespace(bufnr, ns, 0, -1)
  end
  shown[bufnr] = nil
end

--- An LSP position as a 0-based row and byte column of the buffer.
local function byte_pos(client, bufnr, pos)
  local line = vim.api.nvim_buf_get_lines(bufnr, pos.line, pos.line + 1, false)[1] or ''
  local ok, col = pcall(vim.str_byteindex, line, client.offset_encoding, pos.character, false)
  return pos.line, ok and math.min(col, #line) or #line
end

local function virt_lines(lines)
  local out = {}
  for _, line in ipairs(lines) do
    out[#out + 1] = { { line, 'VcNextEditAdd' } }
  end
  return out
end

local function draw(client, bufnr, edit, keys)
  vim.api.nvim_buf_clear_namespace(bufnr, ns, 0, -1)
  local srow, scol = byte_pos(client, bufnr, edit.range.start)
  local erow, ecol = byte_pos(client, bufnr, edit.range['end'])
  local lines = vim.split(edit.text, '\n', { plain = true })
  local insertion = srow == erow and scol == ecol
  local count = vim.api.nvim_buf_line_count(bufnr)
  if insertion and scol == 0 and #lines > 1 and lines[#lines] == '' and srow < count then
    -- whole lines inserted before line srow
    vim.api.nvim_buf_set_extmark(bufnr, ns, srow, 0, {
      virt_lines = virt_lines(vim.list_slice(lines, 1, #lines - 1)),
      virt_lines_above = true,
    })
  else
    if not insertion then -- what the edit replaces or deletes
      vim.api.nvim_buf_set_extmark(bufnr, ns, srow, scol, {
        end_row = erow,
        end_col = ecol,
        hl_group = 'VcNextEditDelete',
        strict = false,
      })
    end
    if lines[1] ~= '' then
      vim.api.nvim_buf_set_extmark(bufnr, ns, erow, ecol, {
        virt_text = { { lines[1], 'VcNextEditAdd' } },
        virt_text_pos = 'inline',
        strict = false,
      })
    end
    if #lines > 1 then
      local rest = vim.list_slice(lines, 2, #lines)
      if rest[#rest] == '' then
        rest[#rest] = nil
      end
      if #rest > 0 then
        vim.api.nvim_buf_set_extmark(bufnr, ns, erow, 0, { virt_lines = virt_lines(rest), strict = false })
      end
    end
  end
  local hint = ('  vc-lsp: %s accept%s'):format(keys.accept_edit or ':VcAcceptEdit',
    keys.next_edit and (', %s jump'):format(keys.next_edit) or '')
  vim.api.nvim_buf_set_extmark(bufnr, ns, math.min(srow, count - 1), 0, {
    virt_text = { { hint, 'VcNextEditHint' } },
    virt_text_pos = 'eol',
    strict = false,
  })
  shown[bufnr] = { edit = edit, client_id = client.id, version = edit.textDocument.version, row = srow, col = scol }
  client:notify('textDocument/didShowInlineEdit', { item = { command = edit.command } })
  vim.api.nvim_exec_autocmds('User', {
    pattern = 'VcNextEditShown',
    data = { bufnr = bufnr, line = srow, col = scol, text = edit.text },
  })
end

--- Ask the server for the next edit at the cursor (it waits for a pause on its side).
function M.request(client, bufnr, keys)
  if not vim.api.nvim_buf_is_valid(bufnr) or bufnr ~= vim.api.nvim_get_current_buf() then
    return
  end
  local version = vim.lsp.util.buf_versions[bufnr]
  local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
  params.textDocument.version = version
  params.context = { triggerKind = 2 }
  client:request(METHOD, params, function(err, result)
    if err or not vim.api.nvim_buf_is_valid(bufnr) or vim.lsp.util.buf_versions[bufnr] ~= version then
      return -- a newer change asked again; this answer is for text that is gone
    end
    local edit = result and result.edits and result.edits[1]
    if edit and edit.textDocument and edit.textDocument.version == version then
      draw(client, bufnr, edit, keys)
    else
      M.clear(bufnr)
    end
  end, bufnr)
end

local function current(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local s = shown[bufnr]
  if not s or vim.lsp.util.buf_versions[bufnr] ~= s.version then
    return nil, bufnr
  end
  return s, bufnr
end

--- Move the cursor to where the suggested edit goes. Returns false when there is none.
function M.jump(bufnr)
  local s, buf = current(bufnr)
  if not s then
    return false
  end
  if buf == vim.api.nvim_get_current_buf() then
    vim.api.nvim_win_set_cursor(0, { s.row + 1, s.col })
  end
  return true
end

--- Apply the suggested edit and tell the server it was accepted. Returns false when there is
--- none. The change asks for the next one, which often is already there (the next use).
function M.accept(bufnr)
  local s, buf = current(bufnr)
  if not s then
    return false
  end
  local client = vim.lsp.get_client_by_id(s.client_id)
  if not client then
    return false
  end
  local edit = s.edit
  M.clear(buf)
  vim.lsp.util.apply_text_edits({ { range = edit.range, newText = edit.text } }, buf, client.offset_encoding)
  if edit.command then
    client:exec_cmd(edit.command, { bufnr = buf })
  end
  return true
end

--- Drop the suggestion; the server does not offer it again for this text.
function M.dismiss(bufnr)
  local s, buf = current(bufnr)
  if not s then
    return false
  end
  local client = vim.lsp.get_client_by_id(s.client_id)
  M.clear(buf)
  local id = s.edit.command and s.edit.command.arguments and s.edit.command.arguments[1]
  if client and id then
    client:exec_cmd({ title = 'dismiss', command = 'vc.nes.reject', arguments = { id } }, { bufnr = buf })
  end
  return true
end

--- Set up next-edit suggestions for one buffer: ask after every change, the keys, the commands.
function M.attach(client, bufnr, keys)
  highlights()
  keys = keys or {}
  local group = vim.api.nvim_create_augroup('vc_lsp_next_edit_' .. bufnr, { clear = true })
  vim.api.nvim_create_autocmd({ 'TextChanged', 'TextChangedI' }, {
    group = group,
    buffer = bufnr,
    callback = function()
      M.clear(bufnr)
      M.request(client, bufnr, keys)
    end,
  })
  vim.api.nvim_create_autocmd({ 'BufLeave', 'LspDetach' }, {
    group = group,
    buffer = bufnr,
    callback = function()
      M.clear(bufnr)
    end,
  })
  local function map(lhs, fn, desc)
    if lhs then
      vim.keymap.set({ 'n', 'i' }, lhs, function()
        fn(bufnr)
      end, { buffer = bufnr, desc = 'vc-lsp: ' .. desc })
    end
  end
  map(keys.next_edit, M.jump, 'jump to the suggested edit')
  map(keys.accept_edit, M.accept, 'accept the suggested edit')
  map(keys.dismiss_edit, M.dismiss, 'dismiss the suggested edit')
end

function M.commands()
  local function define(name, fn, desc)
    vim.api.nvim_create_user_command(name, function()
      if not fn(0) then
        vim.notify('vc-lsp: no suggested edit here', vim.log.levels.INFO)
      end
    end, { desc = desc })
  end
  define('VcNextEdit', M.jump, 'vc-lsp: jump to the suggested edit')
  define('VcAcceptEdit', M.accept, 'vc-lsp: accept the suggested edit')
  define('VcDismissEdit', M.dismiss, 'vc-lsp: dismiss the suggested edit')
end

M.namespace = ns

return M

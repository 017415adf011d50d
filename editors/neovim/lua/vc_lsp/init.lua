--- vc-lsp for Neovim 0.11+: AI completions and streamed code actions from the vc-lsp server.
---
--- require('vc_lsp').setup({ settings = { model = 'gpt-5.4' } })
---
--- Neovim 0.12+: ghost text through vim.lsp.inline_completion. Neovim 0.11 has no ghost text, so
--- the server offers its suggestions as completion items (asked for with <C-Space>).
--- Commands: :VcExplain, :VcEdit [instruction], :VcFix, :VcCancel, :VcRevert, :VcWhy, :VcUsage,
--- :VcDoctor, and for next-edit suggestions :VcNextEdit, :VcAcceptEdit, :VcDismissEdit.
--- Status: require('vc_lsp').statusline() for 'statusline' or lualine.
local M = {}

local NAME = 'vc_lsp'
local WARN, ERROR = vim.log.levels.WARN, vim.log.levels.ERROR

M.defaults = {
  cmd = nil, -- { 'vc-lsp' } (from lsp/vc_lsp.lua); e.g. { '/path/to/.venv/bin/vc-lsp' }
  filetypes = nil, -- nil: every file buffer
  settings = nil, -- the vcLsp section, answered to workspace/configuration: { model = '...' }
  init_options = nil, -- the vcLsp section sent at start-up (inline.completionFallback lives here)
  debounce_text_changes = 0, -- ms; low, so typing stops a streaming edit at once
  inline = true, -- Neovim 0.12+: ghost text; false: completion items there too
  nes = true, -- next-edit suggestions drawn in the buffer (lua/vc_lsp/nes.lua); false: none
  -- Where :VcExplain's explanation opens: an Ex command that makes a window ('split',
  -- 'vsplit', 'tab split', ...). The document is a scratch buffer: :q closes it.
  explain_window = 'belowright split',
  status_width = 40, -- most characters statusline() shows of a status message
  -- Neovim 0.11: 'completeopt' for the buffer, so one suggestion still shows as a menu with the
  -- whole text in the popup, and nothing is inserted until <C-y>. false keeps yours.
  completeopt = 'menuone,noinsert,popup',
  keys = { -- set any to false to leave that key alone, or keys = false for none
    accept = '<Tab>', -- 0.12: accept the ghost text (falls through to <Tab> when none)
    next = '<M-]>', -- 0.12: next suggestion
    prev = '<M-[>', -- 0.12: previous suggestion
    complete = '<C-Space>', -- 0.11: ask for suggestions in the completion menu (<C-y> accepts)
    explain = '<leader>ae', -- normal and visual mode
    edit = '<leader>ai',
    fix = '<leader>af',
    cancel = '<leader>ac',
    revert = '<leader>ar',
    why = '<leader>aw', -- why the last suggestion was empty (vc.why)
    next_edit = '<M-n>', -- normal and insert mode: jump to the suggested edit
    accept_edit = '<M-y>', -- accept the suggested edit
    dismiss_edit = '<M-d>', -- dismiss it (not offered again for this text)
  },
}

M.options = vim.deepcopy(M.defaults)

local function notify(message, level)
  vim.notify('vc-lsp: ' .. message, level or vim.log.levels.INFO)
end

--- The vc-lsp client attached to a buffer, if any.
function M.client(bufnr)
  return vim.lsp.get_clients({ bufnr = bufnr or 0, name = NAME })[1]
end

--- A 0-based byte column as a column in the client's position encoding (utf-8/16/32).
local function units(client, bufnr, row, byte_col)
  local line = vim.api.nvim_buf_get_lines(bufnr, row, row + 1, false)[1] or ''
  return vim.str_utfindex(line, client.offset_encoding, math.min(byte_col, #line), false)
end

--- The LSP range a command works on: the visual selection (charwise or linewise), the lines of
--- a :range, or an empty range at the cursor (the server then picks the enclosing block).
--- `opts` are a user command's opts (range, line1, line2).
function M.range(client, bufnr, opts)
  opts = opts or {}
  if (opts.range or 0) == 0 then
    local row, col = unpack(vim.api.nvim_win_get_cursor(0))
    local pos = { line = row - 1, character = units(client, bufnr, row - 1, col) }
    return { start = pos, ['end'] = pos }
  end
  local s, e = vim.fn.getpos("'<"), vim.fn.getpos("'>")
  if vim.fn.visualmode() == 'v' and s[2] == opts.line1 and e[2] == opts.line2 then
    local erow = e[2] - 1
    local eline = vim.api.nvim_buf_get_lines(bufnr, erow, erow + 1, false)[1] or ''
    local stop -- exclusive 0-based byte column
    if vim.o.selection == 'exclusive' then
      stop = e[3] - 1
    elseif e[3] > #eline then -- v_$: up to the end of the line
      stop = #eline
    else -- '> is the first byte of the last selected character: include all of it
      stop = e[3] + vim.str_utf_end(eline, e[3])
    end
    return {
      start = { line = s[2] - 1, character = units(client, bufnr, s[2] - 1, s[3] - 1) },
      ['end'] = { line = erow, character = units(client, bufnr, erow, stop) },
    }
  end
  local last = vim.api.nvim_buf_get_lines(bufnr, opts.line2 - 1, opts.line2, false)[1] or ''
  return {
    start = { line = opts.line1 - 1, character = 0 },
    ['end'] = { line = opts.line2 - 1, character = units(client, bufnr, opts.line2 - 1, #last) },
  }
end

--- Diagnostics of every source (not only vc-lsp's) that touch `range`, as LSP diagnostics: Neovim
--- puts only the server's own diagnostics into a code action's context.
local function diagnostics(client, bufnr, range)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local last = d.end_lnum or d.lnum
    if d.lnum <= range['end'].line and last >= range.start.line then
      out[#out + 1] = {
        range = {
          start = { line = d.lnum, character = units(client, bufnr, d.lnum, d.col) },
          ['end'] = { line = last, character = units(client, bufnr, last, d.end_col or d.col) },
        },
        severity = d.severity,
        message = d.message,
        source = d.source,
        code = d.code,
      }
    end
  end
  return out
end

--- Run a vc-lsp command (workspace/executeCommand) with one argument object.
function M.execute(command, argument, bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local client = M.client(bufnr)
  if not client then
    notify('not attached to this buffer (see :checkhealth vc_lsp)', WARN)
    return false
  end
  local provider = client.server_capabilities.executeCommandProvider
  local known = type(provider) == 'table' and provider.commands or {}
  if not vim.list_contains(known, command) then
    notify(('this vc-lsp has no %s command; update vc-lsp'):format(command), WARN)
    return false
  end
  client:exec_cmd(
    { title = command, command = command, arguments = { argument } },
    { bufnr = bufnr },
    function(err)
      if err then
        notify(err.message, ERROR)
      end
    end
  )
  return true
end

--- Buffer, client and range for a user command; nil (after a message) when not attached.
local function target(opts)
  local bufnr = vim.api.nvim_get_current_buf()
  local client = M.client(bufnr)
  if not client then
    notify('not attached to this buffer (see :checkhealth vc_lsp)', WARN)
    return nil
  end
  return { bufnr = bufnr, client = client, uri = vim.uri_from_bufnr(bufnr), range = M.range(client, bufnr, opts) }
end

function M.explain(opts)
  local t = target(opts)
  return t and M.execute('vc.explain', { uri = t.uri, range = t.range }, t.bufnr)
end

--- Edit the range as `instruction` says; without one, ask with vim.ui.input.
function M.edit(opts, instruction)
  local t = target(opts) -- taken before the prompt, which may change mode and marks
  if not t then
    return
  end
  local function send(text)
    if text and vim.trim(text) ~= '' then
      M.execute('vc.edit', { uri = t.uri, range = t.range, instruction = text }, t.bufnr)
    end
  end
  if instruction and vim.trim(instruction) ~= '' then
    send(instruction)
  else
    vim.ui.input({ prompt = 'vc-lsp edit: ' }, send)
  end
end

function M.fix(opts)
  opts = opts or {}
  if (opts.range or 0) == 0 then -- the cursor line, where the diagnostics are
    local row = vim.api.nvim_win_get_cursor(0)[1]
    opts = { range = 2, line1 = row, line2 = row }
  end
  local t = target(opts)
  return t and M.execute('vc.fix', {
    uri = t.uri,
    range = t.range,
    diagnostics = diagnostics(t.client, t.bufnr, t.range),
  }, t.bufnr)
end

function M.cancel()
  local bufnr = vim.api.nvim_get_current_buf()
  return M.execute('vc.cancel', { uri = vim.uri_from_bufnr(bufnr) }, bufnr)
end

function M.revert()
  local bufnr = vim.api.nvim_get_current_buf()
  return M.execute('vc.revert', { uri = vim.uri_from_bufnr(bufnr) }, bufnr)
end

function M.why()
  local bufnr = vim.api.nvim_get_current_buf()
  return M.execute('vc.why', { uri = vim.uri_from_bufnr(bufnr) }, bufnr)
end

function M.usage()
  return M.execute('vc.usage', vim.empty_dict())
end

--- The server's last status (didChangeStatus: kind, message, busy, state, command, uri).
M.status = nil

--- The status for a status line: 'vc-lsp' when all is well ('vc-lsp …' while a request is in
--- flight), 'vc-lsp: <what is wrong and what to do>' otherwise; '' before the server spoke.
--- An "off for this file" status shows only in that file's window.
function M.statusline()
  local s = M.status
  if type(s) ~= 'table' then
    return ''
  end
  local busy = s.busy and ' …' or ''
  if s.kind == 'Normal' or (s.uri and s.uri ~= vim.uri_from_bufnr(0)) then
    return 'vc-lsp' .. busy
  end
  local message = tostring(s.message or s.kind)
  local width = M.options.status_width or 40
  if vim.fn.strchars(message) > width then
    message = vim.fn.strcharpart(message, 0, width - 1) .. '…'
  end
  return 'vc-lsp: ' .. message .. busy
end

--- didChangeStatus: keep it, redraw the status lines, and tell `User VcLspStatus` autocommands
--- (with the status as `data`) for status line plugins that draw on events.
local function on_status(_, params)
  M.status = params
  vim.g.vc_lsp_status = M.statusline()
  vim.api.nvim_exec_autocmds('User', { pattern = 'VcLspStatus', modeline = false, data = params })
  vim.cmd('redrawstatus!')
  return vim.NIL
end

--- Run `vc-lsp doctor` in a terminal split, with the settings this editor sends.
function M.doctor()
  local config = vim.lsp.config[NAME] or {}
  local cmd = type(config.cmd) == 'table' and vim.deepcopy(config.cmd) or { 'vc-lsp' }
  vim.list_extend(cmd, { 'doctor' })
  local sent = vim.tbl_deep_extend(
    'force',
    vim.tbl_get(config, 'init_options', 'vcLsp') or {},
    vim.tbl_get(config, 'settings', 'vcLsp') or {}
  )
  if next(sent) ~= nil then
    local file = vim.fn.tempname() .. '.json'
    vim.fn.writefile({ vim.json.encode({ vcLsp = sent }) }, file)
    vim.list_extend(cmd, { '--settings', file })
  end
  vim.cmd('botright new')
  vim.fn.jobstart(cmd, { term = true })
end

--- Neovim 0.11's completion inserts a plain-text item's textEdit only up to its first blank
--- ("a + b" becomes "a"), and a completion menu cannot hold line breaks. Once an item of ours is
--- accepted, put in the whole suggestion and leave the cursor at its end.
local function complete_done(client)
  return function(args)
    if vim.v.event.reason ~= 'accept' then
      return
    end
    local done = vim.v.completed_item or {}
    local lsp = vim.tbl_get(done, 'user_data', 'nvim', 'lsp')
    if not lsp or lsp.client_id ~= client.id then
      return
    end
    local edit = lsp.completion_item and lsp.completion_item.textEdit
    if not edit or not edit.newText or edit.newText == done.word or not edit.range then
      return
    end
    local row, col = unpack(vim.api.nvim_win_get_cursor(0))
    local line = vim.api.nvim_get_current_line()
    local start = vim.str_byteindex(line, client.offset_encoding, edit.range.start.character, false)
    if edit.range.start.line ~= row - 1 or line:sub(start + 1, col) ~= done.word then
      return -- the line is not what the menu left behind; touch nothing
    end
    local lines = vim.split(edit.newText, '\n', { plain = true })
    vim.api.nvim_buf_set_text(args.buf, row - 1, start, row - 1, col, lines)
    local last = #lines == 1 and start + #lines[1] or #lines[#lines]
    vim.api.nvim_win_set_cursor(0, { row + #lines - 1, last })
  end
end

local LEVELS = { [1] = vim.log.levels.ERROR, [2] = WARN, [3] = vim.log.levels.INFO, [4] = vim.log.levels.DEBUG }

--- window/showMessage for vc-lsp: one line that fits the screen, so it never turns into a
--- "Press ENTER" prompt (Neovim 0.11's own handler adds "LSP[vc_lsp][Info] " and a line break).
--- The whole text goes to the LSP log.
local function show_message(_, params, ctx)
  local text = tostring(params.message or '')
  vim.lsp.log.info('vc-lsp says:', text)
  local line = text:gsub('\r?\n.*', ' …')
  local width = math.max(20, vim.o.columns - 12) -- room for the ruler and showcmd
  if vim.fn.strdisplaywidth(line) > width then
    line = vim.fn.strcharpart(line, 0, width - 1) .. '…'
  end
  vim.notify(line, LEVELS[params.type] or vim.log.levels.INFO)
  return vim.NIL
end

--- window/showDocument for vc-lsp (its explanations): in a window of its own next to the code,
--- as a scratch buffer, rather than in place of the buffer you are editing.
local function show_document(err, params, ctx)
  if params.external then
    return vim.lsp.handlers['window/showDocument'](err, params, ctx)
  end
  local from = vim.api.nvim_get_current_win()
  local bufnr = vim.uri_to_bufnr(params.uri)
  vim.fn.bufload(bufnr) -- the server wrote the file's first lines: read them before it appends
  vim.bo[bufnr].buftype = 'nofile'
  vim.bo[bufnr].bufhidden = 'wipe'
  vim.bo[bufnr].swapfile = false
  local win = vim.fn.bufwinid(bufnr)
  if win == -1 then
    vim.cmd(M.options.explain_window)
    win = vim.api.nvim_get_current_win()
    vim.api.nvim_win_set_buf(win, bufnr)
  end
  vim.api.nvim_set_current_win(params.takeFocus and win or from)
  return { success = true }
end

local function on_attach(client, bufnr)
  local o = M.options
  local keys = o.keys or {}
  local function map(modes, lhs, rhs, desc, extra)
    if lhs then
      local opts = vim.tbl_extend('force', { buffer = bufnr, desc = 'vc-lsp: ' .. desc }, extra or {})
      vim.keymap.set(modes, lhs, rhs, opts)
    end
  end

  local ic = vim.lsp.inline_completion
  if ic and o.inline ~= false then -- Neovim 0.12+: ghost text
    ic.enable(true, { bufnr = bufnr })
    map('i', keys.accept, function()
      if not ic.get() then
        return keys.accept
      end
    end, 'accept the suggestion', { expr = true })
    local pick = ic.select or ic.jump
    if pick then
      map('i', keys.next, function() pick({ count = 1 }) end, 'next suggestion')
      map('i', keys.prev, function() pick({ count = -1 }) end, 'previous suggestion')
    end
  else -- Neovim 0.11: suggestions as completion items
    vim.lsp.completion.enable(true, client.id, bufnr, { autotrigger = false })
    if o.completeopt then
      vim.bo[bufnr].completeopt = o.completeopt
    end
    map('i', keys.complete, vim.lsp.completion.get, 'ask for suggestions')
    local group = vim.api.nvim_create_augroup('vc_lsp_complete_' .. bufnr, { clear = true })
    vim.api.nvim_create_autocmd('CompleteDone', { group = group, buffer = bufnr, callback = complete_done(client) })
  end

  if o.nes ~= false then
    require('vc_lsp.nes').attach(client, bufnr, keys)
  end

  map('n', keys.explain, '<cmd>VcExplain<cr>', 'explain the code here')
  map('x', keys.explain, ':VcExplain<cr>', 'explain the selection')
  map('n', keys.edit, '<cmd>VcEdit<cr>', 'edit with an instruction')
  map('x', keys.edit, ':VcEdit<cr>', 'edit the selection with an instruction')
  map('n', keys.fix, '<cmd>VcFix<cr>', 'fix the problems on this line')
  map('x', keys.fix, ':VcFix<cr>', 'fix the problems in the selection')
  map('n', keys.cancel, '<cmd>VcCancel<cr>', 'stop what is streaming')
  map('n', keys.revert, '<cmd>VcRevert<cr>', 'restore the text of the last edit')
  map('n', keys.why, '<cmd>VcWhy<cr>', 'why the last suggestion was empty')
end

local function user_commands()
  local function define(name, fn, desc, nargs)
    vim.api.nvim_create_user_command(name, fn, { range = true, nargs = nargs or 0, desc = desc })
  end
  define('VcExplain', function(o) M.explain(o) end, 'vc-lsp: explain the selection or the code here')
  define('VcEdit', function(o) M.edit(o, o.args) end, 'vc-lsp: edit with an instruction', '*')
  define('VcFix', function(o) M.fix(o) end, 'vc-lsp: fix the diagnostics on the line or selection')
  define('VcCancel', function() M.cancel() end, 'vc-lsp: stop what is streaming')
  define('VcRevert', function() M.revert() end, 'vc-lsp: restore the text the last edit replaced')
  define('VcWhy', function() M.why() end, 'vc-lsp: why the last suggestion here was empty')
  define('VcUsage', function() M.usage() end, "vc-lsp: today's requests, tokens and cost")
  define('VcDoctor', function() M.doctor() end, 'vc-lsp: check the set-up in a terminal')
  require('vc_lsp.nes').commands()
end

function M.setup(opts)
  M.options = vim.tbl_deep_extend('force', vim.deepcopy(M.defaults), opts or {})
  local o = M.options
  local config = {
    flags = { debounce_text_changes = o.debounce_text_changes },
    handlers = {
      ['window/showMessage'] = show_message,
      ['window/showDocument'] = show_document,
      didChangeStatus = on_status,
    },
  }
  config.cmd = o.cmd
  config.filetypes = o.filetypes
  local init = vim.deepcopy(o.init_options or {})
  if o.inline == false then -- the server would not offer completion items to a 0.12 client
    init.inline = vim.tbl_extend('keep', init.inline or {}, { completionFallback = 'always' })
  end
  if next(init) ~= nil then
    config.init_options = { vcLsp = init }
  end
  if o.settings then
    config.settings = { vcLsp = o.settings }
  end
  vim.lsp.config(NAME, config)
  vim.lsp.enable(NAME)
  user_commands()
  vim.api.nvim_create_autocmd('LspAttach', {
    group = vim.api.nvim_create_augroup('vc_lsp', { clear = true }),
    callback = function(args)
      local client = vim.lsp.get_client_by_id(args.data.client_id)
      if client and client.name == NAME then
        on_attach(client, args.buf)
      end
    end,
  })
end

return M

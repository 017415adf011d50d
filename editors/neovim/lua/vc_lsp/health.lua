-- :checkhealth vc_lsp
local M = {}

function M.check()
  local health = vim.health
  health.start('vc-lsp')
  if vim.fn.has('nvim-0.11') == 0 then
    health.error('Neovim 0.11 or newer is needed (vim.lsp.config / vim.lsp.enable)')
    return
  end
  health.ok(vim.lsp.inline_completion and 'ghost text: vim.lsp.inline_completion (Neovim 0.12+)'
    or 'Neovim 0.11: suggestions come as completion items (<C-Space>, then <C-y>)')

  local config = vim.lsp.config.vc_lsp or {}
  local cmd = type(config.cmd) == 'table' and config.cmd or { 'vc-lsp' }
  if vim.fn.executable(cmd[1]) == 1 then
    health.ok(('server command: %s'):format(vim.fn.exepath(cmd[1])))
  else
    health.error(('%s is not executable from Neovim'):format(cmd[1]), {
      'pipx install vc-lsp (or pip install into a virtualenv)',
      "or give the full path: require('vc_lsp').setup({ cmd = { '/path/to/.venv/bin/vc-lsp' } })",
    })
  end

  local sent = vim.tbl_deep_extend('force', vim.tbl_get(config, 'init_options', 'vcLsp') or {},
    vim.tbl_get(config, 'settings', 'vcLsp') or {})
  local key_env = sent.apiKeyEnv or 'VISIONCODER_API_KEY'
  if (vim.env[key_env] or '') ~= '' then
    health.ok(('%s is set (its value is not shown)'):format(key_env))
  else
    health.warn(('%s is not set in the environment Neovim was started from'):format(key_env), {
      'export it in your shell before starting nvim (local servers such as Ollama need none)',
    })
  end

  local flags = config.flags or {}
  local debounce = flags.debounce_text_changes or 150
  if debounce > 50 then
    health.warn(('flags.debounce_text_changes is %d ms'):format(debounce),
      { 'typing stops a streaming edit only after it; 0 (the default of setup()) is best' })
  else
    health.ok(('flags.debounce_text_changes = %d ms'):format(debounce))
  end

  local clients = vim.lsp.get_clients({ name = 'vc_lsp' })
  if #clients == 0 then
    health.info('no vc-lsp client running yet; open a file to start one')
  end
  for _, client in ipairs(clients) do
    health.ok(('client %d running, position encoding %s, %d buffer(s)'):format(
      client.id, client.offset_encoding, vim.tbl_count(client.attached_buffers)))
  end
  health.info('Run :VcDoctor to check the key, the endpoint and the model from here.')
end

return M

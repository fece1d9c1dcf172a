-- Headless Neovim as a real LSP client of `vaultkit lsp` (run by tests/lsp/test_neovim.py).
-- Opens a note, waits for diagnostics, types a citation, asks for completion and a
-- definition, and writes what it received as JSON to $VK_OUT.  Works with Neovim >= 0.7.
local root, file, out = os.getenv('VK_ROOT'), os.getenv('VK_FILE'), os.getenv('VK_OUT')
local python = os.getenv('VK_PYTHON')
local result = { errors = {} }

local common = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':h') .. '/common.lua')

local ok, err = pcall(function()
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  local client_id = vim.lsp.start_client({
    name = 'vaultkit', cmd = { python, '-m', 'vaultkit', 'lsp' }, root_dir = root,
    flags = { debounce_text_changes = 20 },
  })
  vim.lsp.buf_attach_client(bufnr, client_id)
  local client = vim.lsp.get_client_by_id(client_id)

  -- 1. the diagnostics the server pushes for the open note
  vim.wait(60000, function() return #vim.diagnostic.get(bufnr) > 0 end, 50)
  result.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(result.diagnostics, { code = d.code, lnum = d.lnum, col = d.col, severity = d.severity,
                                       message = d.message, source = d.source })
  end

  -- 2. type "See @lora" on a new last line, then complete at its end
  local last = vim.api.nvim_buf_line_count(bufnr)
  vim.api.nvim_buf_set_lines(bufnr, last, last, false, { 'See @lora' })
  vim.wait(300)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = { line = last, character = 9 },
  }
  local response = client.request_sync('textDocument/completion', params, 20000, bufnr)
  result.completion = {}
  if response and response.result then
    local items = response.result.items or response.result
    for _, item in ipairs(items) do
      table.insert(result.completion, { label = item.label, detail = item.detail })
    end
  elseif response then
    table.insert(result.errors, 'completion: ' .. vim.inspect(response.err))
  end

  -- 3. go to the definition of the citation on $VK_DEF_LINE at $VK_DEF_COL (0-based)
  local def = client.request_sync('textDocument/definition', {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = { line = tonumber(os.getenv('VK_DEF_LINE')), character = tonumber(os.getenv('VK_DEF_COL')) },
  }, 20000, bufnr)
  result.definition = {}
  if def and def.result then
    local locations = def.result.uri and { def.result } or def.result
    for _, loc in ipairs(locations) do
      table.insert(result.definition, { uri = loc.uri or loc.targetUri, line = (loc.range or loc.targetRange).start.line })
    end
  end
  client.stop()
  vim.wait(2000, function() return client.is_stopped() end, 50)
end)
if not ok then table.insert(result.errors, tostring(err)) end
common.finish(out, result)

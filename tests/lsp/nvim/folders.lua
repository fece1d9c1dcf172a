-- Headless Neovim with two workspace folders, each a vault, as one client of `vaultkit lsp`
-- (run by tests/lsp/test_neovim.py).  Opens a note in each vault, puts $VK_TEXT in it (not
-- saved), and writes the diagnostics each buffer receives as JSON to $VK_OUT.  Works with Neovim >= 0.7.
local first, second = os.getenv('VK_ROOT'), os.getenv('VK_ROOT2')
local note = os.getenv('VK_NOTE')
local out, python = os.getenv('VK_OUT'), os.getenv('VK_PYTHON')
local result = { errors = {}, diagnostics = {} }

local common = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':h') .. '/common.lua')

local function folder(path)
  return { uri = vim.uri_from_fname(path), name = vim.fn.fnamemodify(path, ':t') }
end

local ok, err = pcall(function()
  local client_id = vim.lsp.start_client({
    name = 'vaultkit', cmd = { python, '-m', 'vaultkit', 'lsp' }, root_dir = first,
    workspace_folders = { folder(first), folder(second) },
  })
  local buffers = {}
  for _, root in ipairs({ first, second }) do
    vim.cmd('edit ' .. vim.fn.fnameescape(root .. '/' .. note))
    local bufnr = vim.api.nvim_get_current_buf()
    -- unsaved text: only a check of this buffer, in its own vault, sees what it says
    vim.api.nvim_buf_set_lines(bufnr, 0, -1, false, vim.split(os.getenv('VK_TEXT'), '\n'))
    vim.lsp.buf_attach_client(bufnr, client_id)
    buffers[root] = bufnr
  end
  for root, bufnr in pairs(buffers) do
    vim.wait(30000, function() return #vim.diagnostic.get(bufnr) > 0 end, 50)
    local found = {}
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      table.insert(found, { code = d.code, lnum = d.lnum, message = d.message })
    end
    result.diagnostics[root] = found
  end
  local client = vim.lsp.get_client_by_id(client_id)
  client.stop()
  vim.wait(2000, function() return client.is_stopped() end, 50)
end)
if not ok then table.insert(result.errors, tostring(err)) end
common.finish(out, result)

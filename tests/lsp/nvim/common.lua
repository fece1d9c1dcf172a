-- What the headless Neovim clients share (loaded with dofile by client.lua and folders.lua).
local M = {}

-- Write ``result`` as JSON to ``out`` and quit Neovim.
function M.finish(out, result)
  local handle = io.open(out, 'w')
  handle:write(vim.fn.json_encode(result))
  handle:close()
  vim.cmd('qa!')
end

return M

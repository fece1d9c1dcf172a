"""``vaultkit lsp``: a language server over the live vault (the plugin backend).

Modules: :mod:`.server` (pygls wiring, scheduling), :mod:`.workspace` (the one adapter to
the vault model), :mod:`.convert` (positions and diagnostics), :mod:`.cursor` (what the
cursor is on), :mod:`.completion`, :mod:`.navigate` (hover, definition, references,
rename), :mod:`.symbols` (symbols, code actions), :mod:`.papers` (one paper's facts).
The protocol, as plugins see it, is documented in ``docs/lsp.md``.
"""

"""The built-in schemas (``*.yaml``), shipped in the wheel as the package ``vaultkit.rules``.

This file only makes the folder a regular package so ``importlib.resources`` finds it on
every supported Python; the schemas are data, documented in ``README.md``.
"""

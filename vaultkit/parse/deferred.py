"""A package's submodules imported without its ``__init__``, until something asks for it.

``from mistune.block_parser import BlockParser`` first runs mistune's ``__init__``,
which imports its inline parser, HTML renderer and three plugins and builds a default
HTML ``Markdown`` -- about 20 M instructions of every one-note lint, for parts vaultkit
never runs (its own scanner reads inline text; it renders nothing).  :func:`defer_init`
puts the package's module in ``sys.modules`` unexecuted, made from its spec as the
import system makes it: its submodules import through its ``__path__`` as usual, and
the package's own ``__init__`` runs in that module the first time one of its other
attributes is asked for (a module ``__getattr__``, PEP 562).  Code elsewhere in the
process that does ``import mistune; mistune.create_markdown()`` gets all of mistune.
"""

from __future__ import annotations

import importlib.util
import sys


def defer_init(name: str) -> None:
    """Let ``name``'s submodules be imported before (and without) ``name/__init__.py``."""
    if name in sys.modules:
        return  # imported already, whole: nothing to defer
    spec = importlib.util.find_spec(name)
    loader = spec.loader if spec is not None else None
    if spec is None or loader is None or spec.submodule_search_locations is None:
        return  # not a package on disk: the import itself says what is wrong
    package = importlib.util.module_from_spec(spec)

    def complete(attribute: str) -> object:
        # the first attribute the submodules' imports did not set: run __init__ now
        # (pop, not del: two threads may ask at once, and running __init__ twice is only
        # its imports found done and its default Markdown built again)
        package.__dict__.pop("__getattr__", None)
        loader.exec_module(package)
        return getattr(package, attribute)

    package.__getattr__ = complete  # type: ignore[attr-defined]
    sys.modules[name] = package

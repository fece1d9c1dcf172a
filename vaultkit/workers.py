"""Worker processes for the runs big enough to use them.

``multiprocessing`` (with ``socket``, ``selectors``, ``pickle``...) is a fifth of what a
one-note lint would import; it is imported here, when a pool is first made.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor


def process_pool(workers: int, **options: Any) -> "ProcessPoolExecutor":
    """A pool of ``workers`` processes (``options`` as for ``ProcessPoolExecutor``)."""
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(max_workers=workers, **options)

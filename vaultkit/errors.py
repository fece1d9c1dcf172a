"""vaultkit's own exceptions, at the bottom of the import graph (nothing imported)."""

from __future__ import annotations


class UsageError(Exception):
    """A problem with how vaultkit was called or configured (exit code 2)."""

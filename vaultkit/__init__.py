"""vaultkit: lint, validate and index an Obsidian vault of paper-reading sessions."""

__version__ = "0.1.0"

"""The generated-region markers, shared by the index writer and the parser.

Obsidian hides ``%% … %%`` comments in reading view, so the markers are invisible.
"""

from __future__ import annotations

import re

BEGIN = "%% vaultkit:begin {name} %%"
END = "%% vaultkit:end {name} %%"
MARKER_LINE = re.compile(r"^[ \t]*%% vaultkit:(?P<edge>begin|end) (?P<name>[\w-]+) %%[ \t]*$")

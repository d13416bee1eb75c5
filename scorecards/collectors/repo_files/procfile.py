"""Heroku-style ``Procfile``: one ``type: command`` process declaration per line."""

from __future__ import annotations

import re

_PROCESS = re.compile(r"^(?P<type>[A-Za-z0-9_-]+)\s*:\s*(?P<command>.*\S)\s*$")


def parse_procfile(path: str, text: str) -> dict:
    """``{"path", "processes": [{"type", "command", "line"}]}``; comments and junk ignored."""
    processes = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("#"):
            continue
        match = _PROCESS.match(line.strip())
        if match:
            processes.append({"type": match["type"], "command": match["command"], "line": number})
    return {"path": path, "processes": processes}

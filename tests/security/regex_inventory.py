"""Every regular expression the engine runs on repository text, found by walking its modules.

Module-level patterns (also inside dicts, lists, tuples and frozen dataclasses such as the
signal rules) are collected from the imported modules; patterns written inline in a function
(``re.findall(r"...", text)``) are read from the source with ``ast``; patterns built at run
time from rules (whole-file forms, detect-secrets plugins) are added explicitly.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
from collections.abc import Iterator
from dataclasses import fields, is_dataclass
from types import ModuleType

# Packages and modules whose code reads repository text (or text derived from it).
ROOTS = (
    "scorecards.checks",
    "scorecards.collectors",
    "scorecards.reports",
    "scorecards.engine",
    "scorecards.scoring",
    "scorecards.waivers",
    "scorecards.discovery",
    "scorecards.web.evidence",
)
_RE_FUNCTIONS = {
    # name -> index of the positional ``flags`` argument
    "compile": 1,
    "search": 2,
    "match": 2,
    "fullmatch": 2,
    "findall": 2,
    "finditer": 2,
    "split": 3,
    "sub": 4,
    "subn": 4,
}


def engine_modules() -> list[ModuleType]:
    modules = []
    for name in ROOTS:
        module = importlib.import_module(name)
        modules.append(module)
        if hasattr(module, "__path__"):
            for info in pkgutil.walk_packages(module.__path__, prefix=f"{name}."):
                modules.append(importlib.import_module(info.name))
    return modules


def _patterns_in(value: object, depth: int = 0) -> Iterator[re.Pattern]:
    if isinstance(value, re.Pattern):
        yield value
    elif depth > 3:
        return
    elif isinstance(value, dict):
        for item in value.values():
            yield from _patterns_in(item, depth + 1)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _patterns_in(item, depth + 1)
    elif is_dataclass(value) and not isinstance(value, type):
        for f in fields(value):
            yield from _patterns_in(getattr(value, f.name, None), depth + 1)


def _flags(node: ast.expr | None) -> int | None:
    if node is None:
        return 0
    try:
        return int(eval(compile(ast.Expression(node), "<flags>", "eval"), {"re": re}))  # noqa: S307
    except Exception:  # noqa: BLE001 - flags from a variable: not reachable statically
        return None


def _inline_patterns(module: ModuleType) -> Iterator[re.Pattern]:
    try:
        source = inspect.getsource(module)
    except (OSError, TypeError):
        return
    for node in ast.walk(ast.parse(source)):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "re"
            and node.func.attr in _RE_FUNCTIONS
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            continue
        position = _RE_FUNCTIONS[node.func.attr]
        flag_node = next((k.value for k in node.keywords if k.arg == "flags"), None)
        if flag_node is None and len(node.args) > position:
            flag_node = node.args[position]
        flags = _flags(flag_node)
        if flags is not None:
            yield re.compile(node.args[0].value, flags)


def _runtime_patterns() -> Iterator[tuple[str, re.Pattern]]:
    from scorecards.collectors.repo_files import secrets, signals, source_scan

    for rule in signals.all_rules():
        yield (
            f"signals rule {rule.id} (whole file)",
            source_scan._whole_text_pattern(rule.pattern, rule.flags),
        )
    for plugin, kind, quick in secrets._plugins():
        yield f"detect-secrets {kind} (whole file)", quick
        for pattern in plugin.denylist:
            yield f"detect-secrets {kind}", pattern


def engine_patterns() -> dict[tuple[str, int], tuple[str, re.Pattern]]:
    """``(pattern text, flags) -> (where it was found, compiled pattern)``, deduplicated."""
    found: dict[tuple[str, int], tuple[str, re.Pattern]] = {}

    def add(where: str, pattern: re.Pattern) -> None:
        found.setdefault((pattern.pattern, pattern.flags), (where, pattern))

    for module in engine_modules():
        for attribute, value in vars(module).items():
            if isinstance(value, type | ModuleType) or callable(value) and not is_dataclass(value):
                continue
            for pattern in _patterns_in(value):
                add(f"{module.__name__}.{attribute}", pattern)
        for pattern in _inline_patterns(module):
            add(f"{module.__name__} (inline)", pattern)
    for where, pattern in _runtime_patterns():
        add(where, pattern)
    return found

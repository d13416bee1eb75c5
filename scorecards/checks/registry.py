"""The one registry of checks: metadata (from the catalogue YAML files) joined to the functions.

The knowledge about a rule -- title, severity, kinds, sources, how it is decided, remediation and
effort -- is data in ``catalogue/<factor>.yaml``; the decision is the function registered here
with :func:`check`. The CLI, the pages, SARIF and the docs all read :func:`all_checks`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

CATALOGUE_VERSION = "2026.12"
CATALOGUE_DIR = Path(__file__).with_name("catalogue")

SEVERITY_WEIGHTS = {"critical": 10.0, "high": 7.5, "medium": 5.0, "low": 2.5}
EFFORTS = ("low", "medium", "high")
KINDS = ("container", "serverless", "paas")
SOURCES = ("github", "aws", "kubernetes", "local")


@dataclass(frozen=True)
class Factor:
    key: str
    number: str
    title: str
    prefix: str
    twelve: bool = True


FACTORS: tuple[Factor, ...] = (
    Factor("codebase", "I", "Codebase", "codebase"),
    Factor("dependencies", "II", "Dependencies", "deps"),
    Factor("config", "III", "Config", "config"),
    Factor("backing_services", "IV", "Backing services", "backing"),
    Factor("build_release_run", "V", "Build, release, run", "build"),
    Factor("processes", "VI", "Processes", "processes"),
    Factor("port_binding", "VII", "Port binding", "port"),
    Factor("concurrency", "VIII", "Concurrency", "concurrency"),
    Factor("disposability", "IX", "Disposability", "disposability"),
    Factor("dev_prod_parity", "X", "Dev/prod parity", "parity"),
    Factor("logs", "XI", "Logs", "logs"),
    Factor("admin_processes", "XII", "Admin processes", "admin"),
    Factor("beyond", "+", "Beyond twelve", "", twelve=False),
)
FACTOR_BY_KEY = {f.key: f for f in FACTORS}
_FACTOR_BY_PREFIX = {f.prefix: f for f in FACTORS if f.prefix}
TWELVE_FACTOR_KEYS = tuple(f.key for f in FACTORS if f.twelve)


def factor_of(check_id: str) -> Factor:
    return _FACTOR_BY_PREFIX.get(check_id.split(".", 1)[0], FACTOR_BY_KEY["beyond"])


@dataclass(frozen=True)
class CheckSpec:
    id: str
    title: str
    factor: str
    severity: str
    kinds: tuple[str, ...]  # empty tuple means every kind, and services of no detected kind
    sources: tuple[str, ...]
    effort: str
    decides: str
    remediation: str

    @property
    def weight(self) -> float:
        return SEVERITY_WEIGHTS[self.severity]

    def applies_to(self, kinds: frozenset[str] | set[str]) -> bool:
        return not self.kinds or bool(set(self.kinds) & set(kinds))


CheckFunction = Callable[..., object]
_FUNCTIONS: dict[str, CheckFunction] = {}


def check(check_id: str) -> Callable[[CheckFunction], CheckFunction]:
    """Register the function that decides ``check_id`` (its metadata lives in the catalogue)."""

    def register(function: CheckFunction) -> CheckFunction:
        if check_id in _FUNCTIONS:
            raise ValueError(f"check {check_id} is registered twice")
        _FUNCTIONS[check_id] = function
        return function

    return register


def _spec_from_entry(entry: dict, source_file: str) -> CheckSpec:
    check_id = entry["id"]
    kinds = tuple(entry.get("kinds") or ())
    if kinds == ("all",):
        kinds = ()
    severity = entry["severity"]
    effort = entry.get("effort", "medium")
    if severity not in SEVERITY_WEIGHTS or effort not in EFFORTS:
        raise ValueError(f"{source_file}: {check_id} has a bad severity or effort")
    if any(k not in KINDS for k in kinds):
        raise ValueError(f"{source_file}: {check_id} has an unknown kind in {kinds}")
    return CheckSpec(
        id=check_id,
        title=entry["title"],
        factor=factor_of(check_id).key,
        severity=severity,
        kinds=kinds,
        sources=tuple(entry.get("sources") or ()),
        effort=effort,
        decides=(entry.get("decides") or "").strip(),
        remediation=(entry.get("remediation") or "").strip(),
    )


@cache
def catalogue() -> dict[str, CheckSpec]:
    specs: dict[str, CheckSpec] = {}
    for path in sorted(CATALOGUE_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for entry in data.get("checks", []):
            spec = _spec_from_entry(entry, path.name)
            if spec.id in specs:
                raise ValueError(f"{path.name}: {spec.id} is declared twice")
            specs[spec.id] = spec
    return specs


def all_checks() -> list[tuple[CheckSpec, CheckFunction | None]]:
    """Every catalogue check with its function, in factor order (catalogue order within)."""
    from scorecards.checks import factors as _factors  # noqa: F401  (registers the functions)

    order = {f.key: i for i, f in enumerate(FACTORS)}
    specs = sorted(catalogue().values(), key=lambda s: order[s.factor])
    return [(spec, _FUNCTIONS.get(spec.id)) for spec in specs]


def registered_function_ids() -> set[str]:
    from scorecards.checks import factors as _factors  # noqa: F401

    return set(_FUNCTIONS)

"""Source-code signal rules: small regular-expression rules, one module per topic.

A rule matches single lines of files of the languages it names and yields a ``Signal`` fact
(see docs/repo-facts.md). Topic modules declare ``RULES = [SignalRule(...), ...]`` and are listed
in ``TOPICS`` below; ``all_rules()`` gathers them so the scanner compiles them once.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

# Extension (or exact file name) -> language. Only these files are scanned for signals.
LANGUAGES_BY_EXTENSION = {
    ".py": "python",
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".jsx": "javascript",
    ".ts": "typescript",
    ".tsx": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".go": "go",
    ".java": "java",
    ".kt": "kotlin",
    ".kts": "kotlin",
    ".scala": "scala",
    ".groovy": "groovy",
    ".rb": "ruby",
    ".erb": "ruby",
    ".php": "php",
    ".cs": "csharp",
    ".fs": "fsharp",
    ".vb": "vb",
    ".rs": "rust",
    ".ex": "elixir",
    ".exs": "elixir",
    ".sh": "shell",
    ".bash": "shell",
    ".properties": "properties",
    ".yml": "yaml",
    ".yaml": "yaml",
    ".json": "json",
    ".toml": "toml",
    ".ini": "ini",
    ".cfg": "ini",
    ".conf": "conf",
    ".xml": "xml",
    ".tf": "hcl",
    ".bicep": "bicep",
    ".prisma": "prisma",
}
LANGUAGES_BY_NAME = {
    "Dockerfile": "dockerfile",
    "Containerfile": "dockerfile",
    "Procfile": "procfile",
    "Jenkinsfile": "groovy",
    "Gemfile": "ruby",
    "Rakefile": "ruby",
    "www": "javascript",  # Express generator's bin/www start script
}
PROGRAMMING_LANGUAGES = frozenset(
    {
        "python",
        "javascript",
        "typescript",
        "go",
        "java",
        "kotlin",
        "scala",
        "groovy",
        "ruby",
        "php",
        "csharp",
        "fsharp",
        "vb",
        "rust",
        "elixir",
    }
)


def language_of(path: str) -> str | None:
    name = path.rsplit("/", 1)[-1]
    if name in LANGUAGES_BY_NAME:
        return LANGUAGES_BY_NAME[name]
    if path == "bin/www" or path.endswith("/bin/www"):
        return "javascript"  # the Express generator's extensionless start script
    if name.startswith("Dockerfile") or name.endswith((".Dockerfile", ".dockerfile")):
        return "dockerfile"
    dot = name.rfind(".")
    return LANGUAGES_BY_EXTENSION.get(name[dot:].lower()) if dot > 0 else None


@dataclass(frozen=True)
class SignalRule:
    """One line-level rule.

    ``languages``: the languages (see ``language_of``) whose files it reads.
    ``pattern``: a regular expression searched in each line (compiled once).
    ``detail``: optional function ``detail(match, line)`` of the match and the whole source line,
    returning the signal's ``detail`` dict, or None to drop the match (for what a regex cannot
    express).
    ``files``: optional regular expression the path must match (e.g. only settings modules).
    ``skip_comments``: drop matches on lines that are comments in that language.
    """

    id: str
    languages: frozenset[str]
    pattern: str
    detail: Callable[[re.Match[str], str], dict | None] | None = None
    files: str | None = None
    skip_comments: bool = True
    flags: int = 0
    compiled: re.Pattern[str] = field(init=False, repr=False, compare=False)
    compiled_files: re.Pattern[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "languages", frozenset(self.languages))
        object.__setattr__(self, "compiled", re.compile(self.pattern, self.flags))
        object.__setattr__(self, "compiled_files", re.compile(self.files) if self.files else None)


# One module per topic; each defines RULES. Add a topic here when you add a module.
TOPICS = (
    "env",
    "logging",
    "signals_handling",
    "endpoints",
    "servers",
    "functions_code",
    "backing",
    "sessions",
    "telemetry",
    "build_commands",
    "deploy_code",
)


@cache
def all_rules() -> tuple[SignalRule, ...]:
    rules: list[SignalRule] = []
    for topic in TOPICS:
        try:
            module = importlib.import_module(f"{__name__}.{topic}")
        except ModuleNotFoundError as exc:  # a topic not written yet must not break scans
            if exc.name == f"{__name__}.{topic}":
                continue
            raise
        rules.extend(module.RULES)
    # One id may be split into rules per language family, but never twice for one language:
    # a line would then yield the same signal twice.
    seen: set[tuple[str, str]] = set()
    duplicates = set()
    for rule in rules:
        for language in rule.languages:
            if (rule.id, language) in seen:
                duplicates.add(rule.id)
            seen.add((rule.id, language))
    if duplicates:
        raise ValueError(f"signal rules declared twice for one language: {sorted(duplicates)}")
    return tuple(rules)

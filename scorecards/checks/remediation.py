"""Remediation for the ecosystem found: the catalogue's per-language examples, reordered so a
service sees its own languages first (a Node service reads the Node fix before the Python one).

A remediation text is Markdown whose examples start with a label line outside code fences:
``Python:``, ``Node.js: `npm ci` ...``, ``Java (Spring `application.properties`):``. Each
labelled segment runs to the next label. Segments of a language move among the language slots;
the head (why, what to change) and platform segments (Dockerfile, Kubernetes...) keep their
place.
"""

from __future__ import annotations

import re

from scorecards.checks import deployables as d
from scorecards.checks import frameworks
from scorecards.checks.context import CheckContext

ECOSYSTEMS = ("python", "node", "java", "dotnet", "go", "ruby", "php", "rust")
# First word(s) of a label -> ecosystem; tools and frameworks name their language.
_LABEL_WORDS = {
    "python": ("python", "django", "flask", "fastapi", "uv", "poetry", "pip", "pip-tools",
               "pipenv", "gunicorn", "uvicorn", "celery", "structlog", "pydantic"),
    "node": ("node", "node.js", "nodejs", "javascript", "typescript", "npm", "yarn", "pnpm",
             "express", "nestjs", "nest", "next.js", "next", "pino", "winston", "joi", "zod"),
    "java": ("java", "kotlin", "spring", "maven", "gradle", "logback", "jvm", "quarkus",
             "micronaut"),
    "dotnet": (".net", "asp.net", "c#", "nuget", "kestrel", "serilog", "dotnet"),
    "go": ("go", "golang", "gin", "viper", "zap", "zerolog", "slog"),
    "ruby": ("ruby", "rails", "bundler", "puma", "sidekiq"),
    "php": ("php", "laravel", "symfony", "composer"),
    "rust": ("rust", "cargo", "actix", "actix-web", "axum", "tokio"),
}  # fmt: skip
_WORD_TO_ECOSYSTEM = {word: eco for eco, words in _LABEL_WORDS.items() for word in words}
# "Label:", "Label, tool: ...", "Label (detail):" at the start of a line, up to the colon.
_LABEL = re.compile(r"^([A-Za-z.#][\w.#+-]*)(?:[ ,/(][^:\n]{0,120})?:(?:\s|$)")
_FENCE = re.compile(r"^\s*(```|~~~)")
# Language counts of the facts -> ecosystem.
_LANGUAGE_ECOSYSTEM = {
    "python": "python", "javascript": "node", "typescript": "node", "java": "java",
    "kotlin": "java", "scala": "java", "groovy": "java", "csharp": "dotnet", "fsharp": "dotnet",
    "vb": "dotnet", "go": "go", "ruby": "ruby", "php": "php", "rust": "rust",
}  # fmt: skip


def label_ecosystem(line: str) -> str | None:
    """The ecosystem a label line names, "" for another label, None when it is no label."""
    match = _LABEL.match(line)
    if not match:
        return None
    return _WORD_TO_ECOSYSTEM.get(match[1].lower().rstrip(".,"), "")


def segments(text: str) -> list[tuple[str | None, list[str]]]:
    """(ecosystem, lines): ecosystem None for the head, "" for a platform or other label."""
    parts: list[tuple[str | None, list[str]]] = [(None, [])]
    in_fence = False
    # A label opens a paragraph: a wrapped line of prose ending in ":" is no label.
    paragraph_start = True
    for line in text.splitlines():
        fence = bool(_FENCE.match(line))
        if not fence and not in_fence and paragraph_start:
            ecosystem = label_ecosystem(line)
            if ecosystem is not None:
                parts.append((ecosystem, []))
        if fence:
            in_fence = not in_fence
        parts[-1][1].append(line)
        paragraph_start = not in_fence and (fence or line.strip() == "")
    return [p for p in parts if p[1]]


def order_remediation(text: str, ecosystems: list[str] | tuple[str, ...]) -> str:
    """``text`` with the language segments of ``ecosystems`` first, in that order."""
    if not text or not ecosystems:
        return text
    parts = segments(text)
    slots = [i for i, (eco, _) in enumerate(parts) if eco]
    rank = {eco: i for i, eco in enumerate(ecosystems)}
    moved = sorted((parts[i] for i in slots), key=lambda p: rank.get(p[0] or "", len(rank)))
    for slot, part in zip(slots, moved, strict=True):
        parts[slot] = part
    out = "\n".join(line for _, lines in parts for line in _with_break(lines))
    return out.rstrip("\n") + ("\n" if text.endswith("\n") else "")


def _with_break(lines: list[str]) -> list[str]:
    """A moved segment keeps a blank line after it, so Markdown starts a new paragraph."""
    return lines if not lines or lines[-1].strip() == "" else [*lines, ""]


def detected_ecosystems(ctx: CheckContext) -> list[str]:
    """The service's ecosystems, most telling first: production manifests, frameworks seen,
    then the languages of its source files by count."""
    found: list[str] = []
    manifests = sorted(d.manifests(ctx), key=lambda m: (m["path"].count("/"), m["path"]))
    for manifest in manifests:
        found.append(str(manifest.get("ecosystem") or ""))
    found += frameworks.ecosystems(ctx)
    languages = (ctx.repo or {}).get("languages") or {}
    for language, _count in sorted(languages.items(), key=lambda kv: -kv[1]):
        found.append(_LANGUAGE_ECOSYSTEM.get(language, ""))
    return [eco for eco in dict.fromkeys(found) if eco in ECOSYSTEMS]

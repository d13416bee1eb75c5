"""Parse a Dockerfile into stages and instructions with their line numbers.

Handles parser directives (``# escape=``), line continuations, comments inside continuations,
heredocs (``RUN <<EOF``), ``ARG`` defaults substituted into ``FROM``, ``FROM --platform=...
image:tag@digest AS name``, and exec versus shell form. Secret-looking ``ENV``/``ARG`` values
are redacted.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass

from scorecards.checks.results import REDACTED
from scorecards.collectors.repo_files.redaction import is_redactable, is_secret_name

KNOWN_INSTRUCTIONS = frozenset(
    {
        "FROM",
        "RUN",
        "CMD",
        "LABEL",
        "MAINTAINER",
        "EXPOSE",
        "ENV",
        "ADD",
        "COPY",
        "ENTRYPOINT",
        "VOLUME",
        "USER",
        "WORKDIR",
        "ARG",
        "ONBUILD",
        "STOPSIGNAL",
        "HEALTHCHECK",
        "SHELL",
    }
)
EXEC_FORM_INSTRUCTIONS = frozenset({"CMD", "ENTRYPOINT", "RUN", "SHELL", "HEALTHCHECK"})
_DEV_WORDS = frozenset(
    {
        "dev",
        "development",
        "local",
        "test",
        "tests",
        "testing",
        "ci",
        "debug",
        ".devcontainer",
        "devcontainer",
        # Images for one-off jobs beside the service's own (``Dockerfile-export`` zips the
        # source, ``Dockerfile.docs`` builds documentation): not what runs in production.
        "export",
        "backup",
        "docs",
        "lint",
    }
)
_NOT_DOCKERFILE_SUFFIXES = (
    ".md",
    ".txt",
    ".rst",
    ".adoc",
    ".bak",
    ".orig",
    ".swp",
    ".sh",
    ".py",
    ".yml",
    ".yaml",
    ".json",
)
_DIRECTIVE = re.compile(r"^#\s*([a-zA-Z][a-zA-Z0-9_-]*)\s*=\s*(.*?)\s*$")
_HEREDOC = re.compile(r"<<(-?)([\"']?)([A-Za-z_][A-Za-z0-9_]*)\2")
_VARIABLE = re.compile(
    r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?([-+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)"
)
_FLAG = re.compile(r"^--([a-z-]+)(?:=(\S*))?$")


def is_dockerfile(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    lower = name.lower()
    if lower.endswith(_NOT_DOCKERFILE_SUFFIXES):
        return False
    return (
        name in ("Dockerfile", "Containerfile", "dockerfile")
        # Lower-case variants too (``dockerfile.sales``): names differ only by convention.
        or lower.startswith(("dockerfile.", "dockerfile-", "containerfile."))
        or lower.endswith(".dockerfile")
    )


def dockerfile_role(path: str) -> str:
    """``dev`` when the file name or a folder says dev/test/local/ci/debug, else ``prod``."""
    parts = path.lower().split("/")
    folders, name = parts[:-1], parts[-1]
    if any(folder in _DEV_WORDS for folder in folders):
        return "dev"
    words = set(re.split(r"[._-]+", name)) - {"dockerfile", "containerfile"}
    return "dev" if words & _DEV_WORDS else "prod"


@dataclass
class _Logical:
    line: int
    keyword: str
    value: str


def parse_dockerfile(path: str, text: str) -> dict:
    """The Dockerfile fact of docs/repo-facts.md for one file."""
    result: dict = {
        "path": path,
        "role": dockerfile_role(path),
        "error": None,
        "args": {},
        "stages": [],
        "instructions": [],
    }
    logical, problem = _logical_lines(text)
    errors = [problem] if problem else []
    global_args: dict[str, str | None] = {}
    stage = -1
    for item in logical:
        keyword = item.keyword
        if keyword not in KNOWN_INSTRUCTIONS:
            errors.append(f"line {item.line}: unknown instruction {keyword}")
            continue
        if keyword == "FROM":
            stage += 1
            result["stages"].append(_stage(stage, item, global_args, result["stages"]))
        elif stage < 0 and keyword == "ARG":
            global_args.update(_arg_defaults(item.value))
        elif stage < 0:
            errors.append(f"line {item.line}: {keyword} before the first FROM")
        if stage >= 0:  # ARGs before the first FROM are reported in "args"
            result["instructions"].append(_instruction(stage, item))
    result["args"] = {k: _redact(k, v) for k, v in global_args.items()}
    if not result["stages"] and logical:
        errors.append("no FROM instruction")
    if errors:
        result["error"] = errors[0]
    return result


def _logical_lines(text: str) -> tuple[list[_Logical], str | None]:
    """Join continuations, drop comments and blank lines, attach heredoc bodies."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    escape, start = _directives(lines)
    found: list[_Logical] = []
    i = start
    while i < len(lines):
        raw = lines[i]
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            i += 1
            continue
        first_line = i + 1
        parts = []
        while True:
            body = lines[i].rstrip()
            if body.endswith(escape) and i + 1 < len(lines):
                parts.append(body[: -len(escape)])
                i += 1
                # Comment and blank lines inside a continuation are skipped by Docker too.
                while i < len(lines) and (not lines[i].strip() or lines[i].strip().startswith("#")):
                    i += 1
                if i >= len(lines):
                    break
                continue
            parts.append(body.rstrip(escape) if body.endswith(escape) else body)
            i += 1
            break
        joined = " ".join(p.strip() for p in parts if p.strip())
        keyword, _, value = joined.partition(" ")
        value = value.strip()
        heredocs = _HEREDOC.findall(value) if keyword.upper() in ("RUN", "COPY", "ADD") else []
        for strip_tabs, _quote, delimiter in heredocs:
            body_lines = []
            while i < len(lines):
                candidate = lines[i].lstrip("\t") if strip_tabs else lines[i]
                i += 1
                if candidate.strip() == delimiter:
                    break
                body_lines.append(lines[i - 1])
            else:
                return found, f"line {first_line}: heredoc {delimiter} is never closed"
            value += "\n" + "\n".join(body_lines)
        found.append(_Logical(first_line, keyword.upper(), value))
    return found, None


def _directives(lines: list[str]) -> tuple[str, int]:
    """The escape character and the index of the first line after parser directives."""
    escape = "\\"
    index = 0
    for index, line in enumerate(lines):  # noqa: B007 - index is used after the loop
        match = _DIRECTIVE.match(line.strip())
        if not match:
            break
        if match.group(1).lower() == "escape" and match.group(2) in ("\\", "`"):
            escape = match.group(2)
    else:
        index = len(lines)
    return escape, index


def _arg_defaults(value: str) -> dict[str, str | None]:
    args: dict[str, str | None] = {}
    for token in _split_words(value):
        name, eq, default = token.partition("=")
        if name:
            args[name] = default if eq else None
    return args


def _split_words(value: str) -> list[str]:
    try:
        return shlex.split(value, comments=False, posix=True)
    except ValueError:
        return value.split()


def substitute(text: str, variables: dict[str, str | None]) -> tuple[str, bool]:
    """Expand ``$VAR``, ``${VAR}``, ``${VAR:-default}`` and ``${VAR:+alt}``.

    Returns the text and whether some variable could not be resolved (no value, no default);
    an unresolved variable stays as written.
    """
    unresolved = False

    def replace(match: re.Match[str]) -> str:
        nonlocal unresolved
        name = match.group(1) or match.group(4)
        operator, word = match.group(2), match.group(3) or ""
        value = variables.get(name)
        if operator == "-":
            return value if value else word
        if operator == "+":
            return word if value else ""
        if value is None:
            unresolved = True
            return match.group(0)
        return value

    return _VARIABLE.sub(replace, text), unresolved


def _stage(index: int, item: _Logical, args: dict, earlier: list[dict]) -> dict:
    words = item.value.split()
    platform = None
    while words and words[0].startswith("--"):
        flag = _FLAG.match(words.pop(0))
        if flag and flag.group(1) == "platform":
            platform = flag.group(2)
    raw = words[0] if words else ""
    name = words[2] if len(words) >= 3 and words[1].lower() == "as" else None
    resolved, unresolved = substitute(raw, args)
    image, tag, digest = split_image(resolved)
    earlier_names = {s["name"].lower() for s in earlier if s.get("name")}
    stage_ref = image.lower() in earlier_names
    return {
        "index": index,
        "name": name,
        "line": item.line,
        "from": {
            "raw": raw,
            "image": image,
            "tag": None if stage_ref else tag,
            "digest": digest,
            "platform": platform,
            "stage_ref": stage_ref,
            "scratch": image.lower() == "scratch",
            "unresolved": unresolved,
        },
    }


def split_image(reference: str) -> tuple[str, str | None, str | None]:
    """``registry:5000/team/app:1.2@sha256:...`` -> (``registry:5000/team/app``, tag, digest)."""
    digest = None
    if "@" in reference:
        reference, digest = reference.split("@", 1)
    tag = None
    slash = reference.rfind("/")
    colon = reference.rfind(":")
    if colon > slash:
        reference, tag = reference[:colon], reference[colon + 1 :]
    return reference, tag or None, digest or None


def _instruction(stage: int, item: _Logical) -> dict:
    value = item.value
    if item.keyword in ("ENV", "ARG"):
        value = _redact_assignments(item.keyword, value)
    argv = _exec_argv(item.keyword, value)
    return {
        "stage": stage,
        "line": item.line,
        "instruction": item.keyword,
        "value": value,
        "exec_form": argv is not None,
        "argv": argv,
    }


def _exec_argv(keyword: str, value: str) -> list[str] | None:
    if keyword not in EXEC_FORM_INSTRUCTIONS:
        return None
    if keyword == "HEALTHCHECK":
        match = re.search(r"(?:^|\s)CMD\s+(.*)$", value, re.IGNORECASE | re.DOTALL)
        if not match:
            return None
        value = match.group(1)
    elif keyword == "RUN":
        # RUN flags (--mount=..., --network=...) come before the command.
        while value.startswith("--"):
            _, _, value = value.partition(" ")
            value = value.lstrip()
    value = value.strip()
    if not value.startswith("["):
        return None
    try:
        parsed = json.loads(value)
    except ValueError:
        return None
    if isinstance(parsed, list) and all(isinstance(a, str) for a in parsed):
        return parsed
    return None


def _redact(name: str, value: str | None) -> str | None:
    secret = value is not None and is_secret_name(name) and is_redactable(value)
    return REDACTED if secret else value


def _redact_assignments(keyword: str, value: str) -> str:
    """Rewrite ``ENV A=1 TOKEN=x`` / ``ENV TOKEN x`` / ``ARG TOKEN=x`` with secrets redacted."""
    words = _split_words(value)
    if not words:
        return value
    if keyword == "ENV" and "=" not in words[0]:  # legacy form: ENV NAME value with spaces
        name = words[0]
        rest = value[len(name) :].strip()
        return f"{name} {REDACTED}" if _redact(name, rest) == REDACTED else value
    changed = False
    out = []
    for word in words:
        name, eq, assigned = word.partition("=")
        if eq and _redact(name, assigned) == REDACTED:
            out.append(f"{name}={REDACTED}")
            changed = True
        else:
            out.append(shlex.quote(word) if " " in word else word)
    return " ".join(out) if changed else value

"""Dotenv files (`.env`, `.env.production`, `prod.env`, `.envrc`): names only, never values."""

from __future__ import annotations

import re

_EXAMPLE = re.compile(
    r"(?i)[._-](example|sample|template|tmpl|tpl|dist|defaults?|schema|skel|editme|in)$|"
    r"(^|[._-])(example|sample|template)[._-]"
)
_ASSIGNMENT = re.compile(
    r"^\s*(?:export\s+)?(?P<name>[A-Za-z_][A-Za-z0-9_.]*+)\s*=\s*(?P<value>.*)"
)
_PURE_REFERENCE = re.compile(r"^\$\{?[A-Za-z_][A-Za-z0-9_]*(:?[-=?][^}]*)?\}?$")
# A value rendered when the file is generated (`.env.erb`: `<%= op read ... %>`, `{{ .Values }}`,
# `$(vault read ...)`): the file holds the recipe, not the secret.
_TEMPLATE_VALUE = re.compile(r"^(<%=?.*%>|\{\{.*\}\}|\$\(.*\))$")


def is_env_file(path: str) -> bool:
    """``.env``, ``.env.*``, ``*.env`` and ``.envrc`` files."""
    name = path.rsplit("/", 1)[-1]
    return (
        name in (".env", ".envrc")
        or name.startswith(".env.")
        or (name.endswith(".env") and len(name) > 4)
    )


def is_example_env_file(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return bool(_EXAMPLE.search(name))


def parse_env_file(path: str, text: str) -> dict | None:
    """``{"path", "example", "assignments": [{"name", "has_value", "line"}]}`` or None."""
    if not is_env_file(path):
        return None
    envrc = path.rsplit("/", 1)[-1] == ".envrc"
    assignments = []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if envrc and not stripped.startswith("export "):
            continue  # .envrc is a shell script: only exported variables count
        match = _ASSIGNMENT.match(line)
        if match:
            assignments.append(
                {"name": match["name"], "has_value": _has_value(match["value"]), "line": number}
            )
    return {"path": path, "example": is_example_env_file(path), "assignments": assignments}


def _has_value(raw: str) -> bool:
    if _TEMPLATE_VALUE.match(raw.strip()):
        return False  # before comment stripping: `<%= ... #{token} %>` holds a "#"
    value = raw
    if value and value[0] in "\"'":
        quote = value[0]
        end = value.find(quote, 1)
        value = value[1:end] if end != -1 else value[1:]
    else:
        value = re.split(r"(?<!\s)\s+#", value, maxsplit=1)[0]  # inline comment after a bare value
    value = value.strip()
    return bool(value) and not _PURE_REFERENCE.match(value) and not _TEMPLATE_VALUE.match(value)

"""Terraform files (``*.tf`` with python-hcl2, ``*.tf.json`` with json) as small facts.

Only what the checks read is kept: each resource's scalar attributes and a few nested ones
(Lambda environment variables, ECS container definitions), module sources, variable names
and the state backend. Literal values of secret-looking names are ``«redacted»``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import hcl2
from hcl2.utils import SerializationOptions

from scorecards.collectors.repo_files.redaction import REDACTED, is_secret_name
from scorecards.collectors.repo_files.secrets import redact_assignments

MAX_STRING = 500
MAX_CONTAINER_DEFINITIONS = 4096
_OPTIONS = SerializationOptions(
    with_comments=False,
    strip_string_quotes=True,
    explicit_blocks=False,
    preserve_heredocs=False,
)
# Expressions that point at a value held elsewhere: not a committed literal.
_REFERENCE_MARKERS = ("${", "var.", "data.", "aws_secretsmanager", "module.", "local.")
_NESTED_SCALARS = ("image", "image_uri", "runtime", "publish", "reserved_concurrent_executions")


def parse_terraform(path: str, text: str) -> dict:
    """The contract's TerraformFile; a file that does not parse has ``error`` set."""
    result: dict[str, Any] = {
        "path": path,
        "error": None,
        "resources": [],
        "modules": [],
        "variables": [],
        "backend": None,
    }
    try:
        data = (
            json.loads(text)
            if path.endswith(".json")
            else hcl2.loads(text, serialization_options=_OPTIONS)
        )
    except Exception as exc:  # noqa: BLE001 — a malformed file is a fact, not a crash
        result["error"] = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
        return result
    if not isinstance(data, dict):
        result["error"] = "top level is not an object"
        return result
    lines = _BlockLines(text)
    for rtype, name, body in _labelled_blocks(data.get("resource"), 2):
        resource = {
            "type": rtype,
            "name": name,
            "line": lines.find("resource", rtype, name),
            "attrs": _resource_attrs(body),
        }
        if "container_definitions" in resource["attrs"]:
            resource["attrs"]["container_images"] = container_images(
                resource["attrs"]["container_definitions"], text, resource["line"]
            )
        result["resources"].append(resource)
    for (name,), body in _named_blocks(data.get("module")):
        source = body.get("source") if isinstance(body, dict) else None
        result["modules"].append(
            {"name": name, "source": source, "line": lines.find("module", name)}
        )
    result["variables"] = [name for (name,), _ in _named_blocks(data.get("variable"))]
    result["backend"] = _backend(data.get("terraform"))
    return result


class _BlockLines:
    """Line of a block header (``resource "type" "name" {``), found by a regex on the text."""

    def __init__(self, text: str) -> None:
        self.text = text

    def find(self, keyword: str, *labels: str) -> int | None:
        parts = r"\s+".join(rf'"?{re.escape(label)}"?' for label in labels)
        match = re.search(rf"^[ \t]*{keyword}\s+{parts}\s*\{{", self.text, re.M)
        if not match:  # JSON: the innermost label as a key
            match = re.search(rf'"{re.escape(labels[-1])}"\s*:', self.text)
        return self.text.count("\n", 0, match.start()) + 1 if match else None


def _labelled_blocks(section: Any, depth: int) -> Iterator[tuple[str, ...]]:
    for labels, body in _named_blocks(section, depth):
        yield (*labels, body)


def _named_blocks(section: Any, depth: int = 1) -> Iterator[tuple[tuple[str, ...], Any]]:
    """(labels, body) of blocks, for hcl2's list-of-dicts and Terraform JSON's nested dicts."""
    if isinstance(section, list):
        for item in section:
            yield from _named_blocks(item, depth)
        return
    if not isinstance(section, dict):
        return
    for label, inner in section.items():
        if depth == 1:
            for body in inner if isinstance(inner, list) else [inner]:
                yield (str(label),), body
        else:
            for labels, body in _named_blocks(inner, depth - 1):
                yield (str(label), *labels), body


def _backend(terraform: Any) -> str | None:
    for block in terraform if isinstance(terraform, list) else [terraform]:
        if not isinstance(block, dict):
            continue
        backend = block.get("backend")
        for item in backend if isinstance(backend, list) else [backend]:
            if isinstance(item, dict) and item:
                return str(next(iter(item)))
        if block.get("cloud") is not None:
            return "cloud"
    return None


def is_literal(value: Any) -> bool:
    """A value written in the file, not a reference to a variable, data source or secret."""
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, int | float):
        return True
    return isinstance(value, str) and not any(m in value for m in _REFERENCE_MARKERS)


def _redact(name: str, value: Any) -> Any:
    if is_secret_name(name) and is_literal(value) and value != "":
        return REDACTED
    if isinstance(value, str) and len(value) > MAX_STRING:
        return value[: MAX_STRING - 1] + "…"
    return value


def _resource_attrs(body: Any) -> dict:
    if isinstance(body, list):
        body = body[0] if body else {}
    if not isinstance(body, dict):
        return {}
    attrs: dict[str, Any] = {}
    for key, value in body.items():
        if key == "container_definitions":
            attrs[key] = _container_definitions(value)
        elif isinstance(value, str | int | float | bool) or value is None:
            attrs[key] = _redact(key, value)
    variables = _environment_variables(body.get("environment"))
    if variables is not None:
        attrs["environment"] = {"variables": variables}
    for block in _blocks(body.get("image_config")) + _blocks(body.get("container")):
        for key in _NESTED_SCALARS:
            if key in block and key not in attrs:
                attrs[key] = _redact(key, block[key])
    return attrs


def _blocks(value: Any) -> list[dict]:
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, dict)]


def _environment_variables(environment: Any) -> dict | None:
    for block in _blocks(environment):
        variables = block.get("variables")
        if isinstance(variables, dict):
            return {str(k): _redact(str(k), v) for k, v in variables.items()}
        if isinstance(variables, str):
            return {"__expression__": variables[:MAX_STRING]}  # merge(...) / var.env
    return None


# {name = "API_KEY", value = "x"} in HCL, {"name": "API_KEY", "value": "x"} in JSON.
_NAME_VALUE = re.compile(
    r"""(?P<head>"?name"?\s*[:=]\s*"(?P<name>[^"]+)"\s*,\s*"?value"?\s*[:=]\s*)"""
    r"""(?P<q>\\?")(?P<value>(?:(?!(?P=q)).)*)(?P=q)"""
)


def _container_definitions(value: Any) -> str:
    """Raw container definitions (jsonencode / heredoc / file()), secrets redacted, bounded."""
    text = value if isinstance(value, str) else json.dumps(value)

    def hide(match: re.Match[str]) -> str:
        if not is_secret_name(match["name"]) or not is_literal(match["value"]):
            return match[0]
        return f"{match['head']}{match['q']}{REDACTED}{match['q']}"

    text = _NAME_VALUE.sub(hide, text)
    text = "\n".join(redact_assignments(line) for line in text.splitlines())
    if len(text) > MAX_CONTAINER_DEFINITIONS:
        text = text[: MAX_CONTAINER_DEFINITIONS - 1] + "…"
    return text


# `image = "x"` (jsonencode / HCL) or `"image": "x"` (heredoc JSON); a reference is no literal.
_IMAGE = re.compile(r'(?<![\w-])"?image"?\s*[:=]\s*\\?"([^"\\\s]{1,300})\\?"')
_HEALTH = re.compile(r"""(?<![\w-])"?healthCheck"?\s*[:=]""")


def container_images(definitions: str, text: str, block_line: int | None) -> list[dict]:
    """``{"image", "line", "health"}`` per literal image of ECS container definitions; the line
    is where the image is written in the file, ``health`` whether a healthCheck is declared."""
    health = bool(_HEALTH.search(definitions))
    file_lines = text.splitlines()
    start = (block_line or 1) - 1
    found = []
    for match in _IMAGE.finditer(definitions):
        image = match.group(1)
        line = next(
            (
                number + 1
                for number in range(start, len(file_lines))
                if image in file_lines[number] and "image" in file_lines[number]
            ),
            block_line,
        )
        found.append({"image": image, "line": line, "health": health})
    return found

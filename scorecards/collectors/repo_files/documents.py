"""YAML, JSON, TOML and Spring ``.properties`` documents: parse, locate, classify, redact.

``parse_document(path, text, chart_dirs)`` returns the Document fact of docs/repo-facts.md for
files the checks care about (Kubernetes, Helm, compose, CloudFormation/SAM, CI, ...) and None
for the rest, plus the parse errors found. Every mapping key and sequence item gets its line
through a JSON pointer, CloudFormation short tags become their long form, and literal values
of secret-looking names are redacted.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import yaml

from scorecards.checks.results import REDACTED
from scorecards.collectors.repo_files.redaction import (
    is_redactable,
    redact_env_mapping,
    redact_value,
)

MAX_LINES_BYTES = 200_000  # above this serialised size a document keeps data but no line map
MAX_NODES = 300_000  # guards against alias bombs while converting to plain data
MAX_DEPTH = 200

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# ---------------------------------------------------------------------------------------------
# YAML loading


class FactsLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """SafeLoader with YAML 1.2 booleans (``on:`` stays a key), dates kept as text,
    CloudFormation short tags in their long form and unknown tags tolerated."""


FactsLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
FactsLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)

CFN_TAGS = {
    "Ref": "Ref",
    "Condition": "Condition",
    "Sub": "Fn::Sub",
    "GetAtt": "Fn::GetAtt",
    "If": "Fn::If",
    "Join": "Fn::Join",
    "Select": "Fn::Select",
    "FindInMap": "Fn::FindInMap",
    "ImportValue": "Fn::ImportValue",
    "Equals": "Fn::Equals",
    "Not": "Fn::Not",
    "And": "Fn::And",
    "Or": "Fn::Or",
    "Base64": "Fn::Base64",
    "Cidr": "Fn::Cidr",
    "GetAZs": "Fn::GetAZs",
    "Split": "Fn::Split",
    "Transform": "Fn::Transform",
    "Length": "Fn::Length",
    "ToJsonString": "Fn::ToJsonString",
}


def _construct_plain(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        return {
            loader.construct_object(k, deep=True): loader.construct_object(v, deep=True)
            for k, v in node.value
        }
    if isinstance(node, yaml.SequenceNode):
        return [loader.construct_object(item, deep=True) for item in node.value]
    return loader.construct_scalar(node)


def _construct_local_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    value = _construct_plain(loader, node)
    long_name = CFN_TAGS.get(suffix)
    if long_name is None:
        return value  # GitLab !reference, Ansible !vault...: keep the plain value
    if long_name == "Fn::GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {long_name: value}


def _construct_unknown(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    return _construct_plain(loader, node)


FactsLoader.add_multi_constructor("!", _construct_local_tag)
FactsLoader.add_constructor(None, _construct_unknown)


class DocumentTooLarge(ValueError):
    pass


def plain_data(value: Any) -> Any:
    """A JSON-serialisable copy: string keys, dates as ISO text, no NaN; bounded in size."""
    budget = [MAX_NODES]

    def convert(item: Any, depth: int) -> Any:
        budget[0] -= 1
        if budget[0] < 0 or depth > MAX_DEPTH:
            raise DocumentTooLarge(
                f"document too large or too deep to analyse (over {MAX_NODES:,} values once "
                f"aliases are expanded, or nested over {MAX_DEPTH} levels)"
            )
        if isinstance(item, dict):
            return {_key_text(k): convert(v, depth + 1) for k, v in item.items()}
        if isinstance(item, list | tuple | set):
            return [convert(v, depth + 1) for v in item]
        if isinstance(item, datetime | date):
            return item.isoformat()
        if isinstance(item, bytes):
            return item.decode("utf-8", "replace")
        if isinstance(item, float) and (item != item or item in (float("inf"), float("-inf"))):
            return str(item)
        return item

    return convert(value, 0)


def _key_text(key: Any) -> str:
    if isinstance(key, str):
        return key
    if key is None or isinstance(key, bool):
        return json.dumps(key)
    return str(key)


def escape_pointer(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def node_lines(root: yaml.Node, offset: int = 0) -> dict[str, int]:
    """JSON pointer -> 1-based line for every mapping key and sequence item under ``root``."""
    lines: dict[str, int] = {}
    stack: list[tuple[yaml.Node, str, int]] = [(root, "", 0)]
    while stack:
        node, pointer, depth = stack.pop()
        if depth > MAX_DEPTH or len(lines) > MAX_NODES:
            continue
        suffix = node.tag[1:] if isinstance(node.tag, str) and node.tag.startswith("!") else ""
        if suffix in CFN_TAGS and not isinstance(node, yaml.ScalarNode):
            pointer = f"{pointer}/{escape_pointer(CFN_TAGS[suffix])}"
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode) or key_node.value == "<<":
                    continue
                child = f"{pointer}/{escape_pointer(key_node.value)}"
                lines[child] = key_node.start_mark.line + 1 + offset
                stack.append((value_node, child, depth + 1))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                child = f"{pointer}/{index}"
                lines[child] = item.start_mark.line + 1 + offset
                stack.append((item, child, depth + 1))
    return lines


@dataclass
class ParseError:
    line: int | None
    message: str

    def text(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclass
class ParsedDocs:
    docs: list[dict] = field(default_factory=list)
    error: ParseError | None = None


_DOC_SEPARATOR = re.compile(r"^(---|\.\.\.)(?:[ \t].*)?$")


def _yaml_chunks(text: str) -> Iterator[tuple[int, str]]:
    """(line offset, text) of every YAML document; split by hand so one broken document does
    not hide the others."""
    lines = text.split("\n")
    start = 0
    current: list[str] = []
    for index, line in enumerate(lines):
        if _DOC_SEPARATOR.match(line):
            if current:
                yield start, "\n".join(current)
            start = index
            # Keep what follows '---' on the same line (e.g. '--- !Tag' or a flow mapping).
            current = [" " * 3 + line[3:]] if line.startswith("---") else [""]
        elif line.startswith("%") and not any(c.strip() for c in current):
            current.append("")  # directives (%YAML 1.2) only make sense before '---'
        else:
            current.append(line)
    if current:
        yield start, "\n".join(current)


def parse_yaml(text: str) -> ParsedDocs:
    """Every non-empty document of a YAML stream with its data and line map."""
    parsed = ParsedDocs()
    for offset, chunk in _yaml_chunks(text.replace("\r\n", "\n")):
        if not chunk.strip():
            continue
        loader = FactsLoader(chunk)
        try:
            node = loader.get_single_node()
            if node is None:
                continue
            data = plain_data(loader.construct_document(node))
            parsed.docs.append(
                {
                    "line": node.start_mark.line + 1 + offset,
                    "data": data,
                    "lines": node_lines(node, offset),
                }
            )
        except yaml.MarkedYAMLError as exc:
            if parsed.error is None:
                mark = exc.problem_mark or exc.context_mark
                line = mark.line + 1 + offset if mark else None
                parsed.error = ParseError(line, _one_line(exc.problem or exc.context or str(exc)))
        except (yaml.YAMLError, DocumentTooLarge, RecursionError) as exc:
            if parsed.error is None:
                parsed.error = ParseError(offset + 1 if offset else None, _one_line(str(exc)))
        finally:
            loader.dispose()
    return parsed


def _one_line(message: str) -> str:
    return " ".join(str(message).split())[:200]


# ---------------------------------------------------------------------------------------------
# JSON, TOML, properties

_JSON_TOKENS = re.compile(r'("(?:\\.|[^"\\])*")|(//[^\n]*)|(/\*.*?\*/)|(,)(\s*[}\]])', re.DOTALL)


def strip_json_comments(text: str) -> str:
    """JSON with comments and trailing commas (devcontainer.json, renovate.json5) as JSON.

    Comments become blank space of the same line count so line numbers survive.
    """

    def replace(match: re.Match[str]) -> str:
        if match.group(1):
            return match.group(1)
        if match.group(2):
            return ""
        if match.group(3):
            return "\n" * match.group(3).count("\n")
        return match.group(5)

    return _JSON_TOKENS.sub(replace, text)


def parse_json(text: str) -> ParsedDocs:
    parsed = ParsedDocs()
    try:
        data = json.loads(text)
        source = text
    except RecursionError:
        parsed.error = ParseError(None, f"nested over {MAX_DEPTH} levels: not analysed")
        return parsed
    except ValueError as exc:
        source = strip_json_comments(text)
        try:
            data = json.loads(source)
        except (ValueError, RecursionError):
            line = getattr(exc, "lineno", None)
            parsed.error = ParseError(line, _one_line(getattr(exc, "msg", str(exc))))
            return parsed
    try:
        data = plain_data(data)
    except DocumentTooLarge as exc:
        parsed.error = ParseError(None, str(exc))
        return parsed
    parsed.docs.append({"line": 1, "data": data, "lines": _json_lines(source)})
    return parsed


def _json_lines(source: str) -> dict[str, int]:
    """Lines of JSON keys, read by the YAML composer (JSON is nearly YAML); best effort."""
    if len(source) > MAX_LINES_BYTES:
        return {}
    loader = FactsLoader(source.replace("\t", " "))
    try:
        node = loader.get_single_node()
        return node_lines(node) if node is not None else {}
    except yaml.YAMLError:
        return {}
    finally:
        loader.dispose()


_TOML_TABLE = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?")
_TOML_WORD = r"""(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')"""
_TOML_KEY = re.compile(rf"^\s*({_TOML_WORD}(?:\s*\.\s*{_TOML_WORD})*)\s*=")


def _toml_key_parts(dotted: str) -> list[str]:
    parts = re.findall(r"""[A-Za-z0-9_-]+|"[^"]*"|'[^']*'""", dotted)
    return [p[1:-1] if p[:1] in "\"'" else p for p in parts]


def parse_toml(text: str) -> ParsedDocs:
    parsed = ParsedDocs()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        parsed.error = ParseError(int(match.group(1)) if match else None, _one_line(str(exc)))
        return parsed
    except RecursionError:
        parsed.error = ParseError(None, f"nested over {MAX_DEPTH} levels: not analysed")
        return parsed
    try:
        data = plain_data(data)
    except DocumentTooLarge as exc:
        parsed.error = ParseError(None, str(exc))
        return parsed
    parsed.docs.append({"line": 1, "data": data, "lines": _toml_lines(text)})
    return parsed


def _toml_lines(text: str) -> dict[str, int]:
    """Lines of tables and keys from a line scan (TOML has no positions in tomllib)."""
    lines: dict[str, int] = {}
    table: list[str] = []
    arrays: dict[tuple[str, ...], int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        header = _TOML_TABLE.match(line)
        if header:
            parts = _toml_key_parts(header.group(2))
            if header.group(1) == "[[":
                index = arrays.get(tuple(parts), -1) + 1
                arrays[tuple(parts)] = index
                parts = [*parts, str(index)]
            table = parts
            lines[_pointer(table)] = number
            continue
        key = _TOML_KEY.match(line)
        if key:
            lines.setdefault(_pointer([*table, *_toml_key_parts(key.group(1))]), number)
    return lines


def _pointer(parts: list[str]) -> str:
    return "".join("/" + escape_pointer(p) for p in parts)


def parse_properties(text: str) -> ParsedDocs:
    """Java ``.properties``: a flat mapping key -> value (continuations joined)."""
    data: dict[str, str] = {}
    lines: dict[str, int] = {}
    physical = text.splitlines()
    index = 0
    while index < len(physical):
        number = index + 1
        line = physical[index].lstrip()
        index += 1
        if not line or line[0] in "#!":
            continue
        while line.endswith("\\") and not line.endswith("\\\\") and index < len(physical):
            line = line[:-1] + physical[index].lstrip()
            index += 1
        match = re.match(r"^((?:\\.|[^=:\s\\])++\\?)\s*[=:\s]\s*(.*)$", line)
        key, value = (match.group(1), match.group(2)) if match else (line.strip(), "")
        data[key] = value.strip()
        lines["/" + escape_pointer(key)] = number
    return ParsedDocs(docs=[{"line": 1, "data": data, "lines": lines}] if data else [])


# ---------------------------------------------------------------------------------------------
# Helm templates

# Never across another "{{": from each "{{" the scan stops at the next one, so it stays linear.
_ACTION = re.compile(r"\{\{(?:(?!\{\{).)*?\}\}", re.DOTALL)
_TEMPLATED_KEY = re.compile(r"^\s*(?:-\s+)?\{\{.*?\}\}[^:\s]*:(?:\s|$)")
_LINE_PARTS = re.compile(
    r"""^(\s*(?:-\s+)*)((?:"[^"]*"|'[^']*'|[^\s"'#{\-][^:#{]*+|-[^\s:#{][^:#{]*+)\s*:(?:\s+|$))?(.*)$"""
)


def detemplate(text: str) -> str:
    """Make a Helm template parseable YAML while keeping its line numbers.

    Lines holding only actions (``{{- if }}``, ``{{- end }}``, ``{{ include ... | nindent }}``)
    are blanked; a value containing actions becomes a quoted string of the value as written.
    """

    def blank_multiline(match: re.Match[str]) -> str:
        action = match.group(0)
        return "\n" * action.count("\n") if "\n" in action else action

    text = _ACTION.sub(blank_multiline, text.replace("\r\n", "\n"))
    return "\n".join(_detemplate_line(line) for line in text.split("\n"))


def _detemplate_line(line: str) -> str:
    if "{{" not in line:
        return line
    if not _ACTION.sub("", line).strip() or _TEMPLATED_KEY.match(line):
        return ""  # control actions, and keys only known at render time
    match = _LINE_PARTS.match(line)
    if not match:
        return ""
    prefix, key, value = match.group(1), match.group(2) or "", match.group(3).rstrip()
    if "{{" in key:
        return ""
    if "{{" not in value:
        return line
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1]
    return f"{prefix}{key}{json.dumps(value)}"


# Bounded body so a long line of unclosed actions cannot make the scan quadratic.
_CONTROL = re.compile(
    r"\{\{-?\s*(if|else\s+if|else|with|range|define|block|end)\b([^}]{0,300})\}\}"
)
MAX_GUARD = 200


def helm_guards(text: str) -> list[list[str | None]]:
    """Per line (0-based) of a Helm template: the ``if`` conditions it renders under.

    ``None`` stands for a branch that cannot be read as one condition (``else``, ``with``,
    ``range``): the checks then treat it as rendered. Lets a check see that a document gated by
    ``{{- if .Values.autoscaling.enabled }}`` is off when the chart's values say false.
    """
    stack: list[str | None] = []
    per_line: list[list[str | None]] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        per_line.append(list(stack))
        for match in _CONTROL.finditer(line):
            keyword, rest = match.group(1), " ".join(match.group(2).rstrip("-").split())
            if keyword == "if":
                stack.append(rest[:MAX_GUARD])
            elif keyword in ("with", "range", "define", "block"):
                stack.append(None)
            elif keyword == "end":
                if stack:
                    stack.pop()
            elif stack:  # else / else if: the branch no longer follows the condition
                stack[-1] = None
    return per_line


def _attach_guards(docs: list[dict], text: str) -> None:
    """Each templated document gets the conditions open at its first line (those that wrap it)."""
    per_line = helm_guards(text)
    for entry in docs:
        index = (entry.get("line") or 1) - 1
        guards = per_line[index] if 0 <= index < len(per_line) else []
        entry["guards"] = [g for g in guards if g]
        if None in guards:
            entry["guards_partial"] = True


# ---------------------------------------------------------------------------------------------
# Classification

_LOCK_NAMES = frozenset(
    {
        "package-lock.json",
        "npm-shrinkwrap.json",
        "pnpm-lock.yaml",
        "yarn.lock",
        "composer.lock",
        "Pipfile.lock",
        "poetry.lock",
        "Cargo.lock",
        "Gemfile.lock",
        "packages.lock.json",
        "bun.lock",
        "deno.lock",
        "uv.lock",
        "pdm.lock",
        "gradle.lockfile",
        "flake.lock",
    }
)
_CI_PATHS = re.compile(
    r"^(?:\.github/workflows/[^/]+\.ya?ml|\.gitlab-ci\.ya?ml|\.gitlab/ci/.+\.ya?ml|"
    r"\.circleci/config\.ya?ml|azure-pipelines[^/]*\.ya?ml|cloudbuild[^/]*\.(?:ya?ml|json)|"
    r"(?:.*/)?buildspec[^/]*\.ya?ml|\.travis\.ya?ml|bitbucket-pipelines\.ya?ml|\.drone\.ya?ml|"
    r"\.woodpecker\.ya?ml|\.woodpecker/[^/]+\.ya?ml|appveyor\.ya?ml|\.appveyor\.ya?ml|"
    r"\.buildkite/[^/]*\.ya?ml|codefresh\.ya?ml|\.tekton/.+\.ya?ml|\.github/actions/.+/action\.ya?ml|"
    r"action\.ya?ml)$"
)
_COMPOSE_NAME = re.compile(
    r"^(?:docker-)?compose(?:[.-][\w.-]+)?\.ya?ml$|^docker-stack(?:[.-][\w.-]+)?\.ya?ml$"
)
_PATH_CATEGORIES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), category)
    for pattern, category in (
        (r"(?:^|/)kustomization\.ya?ml$|(?:^|/)Kustomization$", "kustomization"),
        (r"(?:^|/)serverless(?:\.[\w-]+)?\.(?:ya?ml|json)$", "serverless"),
        (r"(?:^|/)catalog-info[^/]*\.ya?ml$", "catalog"),
        (r"^\.github/dependabot\.ya?ml$", "dependabot"),
        (r"(?:^|/)(?:renovate\.json5?|\.renovaterc(?:\.json5?)?)$", "renovate"),
        (
            r"(?:^|/)\.devcontainer(?:/[^/]+)?/devcontainer\.json$|(?:^|/)\.devcontainer\.json$",
            "devcontainer",
        ),
        (r"(?:^|/)skaffold[^/]*\.ya?ml$", "skaffold"),
        (
            r"(?:^|/)(?:fly\.toml|render\.ya?ml|cdk\.json|samconfig\.toml|\.platform\.app\.yaml|"
            r"heroku\.yml|Pulumi(?:\.[\w-]+)?\.ya?ml)$|(?:^|/)copilot/.*manifest\.ya?ml$"
            r"|(?:^|/)\.do/(?:app|deploy\.template)\.ya?ml$",
            "platform",
        ),
        (r"(?:^|/)application(?:[-.][\w.-]+)?\.(?:ya?ml|properties)$", "app_config"),
    )
)
# Content-decided candidates: parsed, then kept only when their data says what they are.
_CONTENT_CANDIDATE_NAMES = re.compile(
    r"(?:^|/)(?:app\.ya?ml|app\.json|spec\.ya?ml|\.do/deploy\.template\.ya?ml)$"
)
_YAML_SNIFF = re.compile(
    r"^[ \t-]*[\"']?(?:apiVersion|kind|AWSTemplateFormatVersion|Resources|containerDefinitions|"
    r"openapi|swagger|asyncapi)[\"']?[ \t]*:",
    re.MULTILINE,
)
_JSON_SNIFF = re.compile(
    r"\"(?:apiVersion|AWSTemplateFormatVersion|Resources|containerDefinitions|openapi|swagger|"
    r"asyncapi)\"\s*:"
)


def format_of(path: str) -> str | None:
    lower = path.lower()
    if lower.endswith((".yaml", ".yml")):
        return "yaml"
    if lower.endswith((".json", ".json5")) or lower.rsplit("/", 1)[-1] in (".renovaterc",):
        return "json"
    if lower.endswith(".toml"):
        return "toml"
    if lower.endswith(".properties"):
        return "properties"
    if path.rsplit("/", 1)[-1] == "Kustomization":
        return "yaml"
    return None


def chart_dirs_of(paths: list[str]) -> frozenset[str]:
    """Folders holding a Helm ``Chart.yaml`` ("" for the root)."""
    dirs = set()
    for path in paths:
        folder, _, name = path.rpartition("/")
        if name in ("Chart.yaml", "Chart.yml"):
            dirs.add(folder)
    return frozenset(dirs)


def _chart_of(path: str, chart_dirs: frozenset[str]) -> str | None:
    """The innermost chart folder containing ``path``."""
    best = None
    for folder in chart_dirs:
        contains = folder == "" or path.startswith(folder + "/")
        if contains and (best is None or len(folder) > len(best)):
            best = folder
    return best


def category_by_path(path: str, chart_dirs: frozenset[str] = frozenset()) -> str | None:
    """The category a path alone decides, or None when only the content can tell."""
    name = path.rsplit("/", 1)[-1]
    if name in ("Chart.yaml", "Chart.yml"):
        return "helm_chart"
    chart = _chart_of(path, chart_dirs)
    if chart is not None:
        inside = path[len(chart) + 1 :] if chart else path
        if inside.startswith("templates/") and name.endswith((".yaml", ".yml")):
            return "helm_template"
        if re.match(r"values[^/]*\.ya?ml$", name) and not inside.startswith("templates/"):
            return "helm_values"
    elif re.match(r"values[^/]*\.ya?ml$", name) and re.search(r"(?:^|/)(?:helm|charts?)/", path):
        return "helm_values"
    if _COMPOSE_NAME.match(name):
        return "compose"
    if _CI_PATHS.match(path):
        return "ci"
    for pattern, category in _PATH_CATEGORIES:
        if pattern.search(path):
            return category
    return None


def category_by_content(docs: list[dict]) -> str:
    """Decide from parsed data: CloudFormation, ECS, OpenAPI, Backstage or Kubernetes."""
    values = [d["data"] for d in docs if isinstance(d.get("data"), dict)]
    for data in values:
        if _is_cloudformation(data):
            return "cloudformation"
    for data in values:
        if "containerDefinitions" in data:
            return "ecs_task_definition"
        if any(key in data for key in ("openapi", "swagger", "asyncapi")):
            return "openapi"
    for data in values:
        if "apiVersion" in data and "kind" in data:
            api = str(data.get("apiVersion"))
            return "catalog" if api.startswith("backstage.io") else "k8s"
    return "other"


def _is_cloudformation(data: dict) -> bool:
    if "AWSTemplateFormatVersion" in data:
        return True
    transform = data.get("Transform")
    if isinstance(transform, str | list) and "AWS::Serverless" in json.dumps(transform):
        return True
    resources = data.get("Resources")
    return isinstance(resources, dict) and any(
        isinstance(r, dict) and str(r.get("Type", "")).startswith(("AWS::", "Custom::"))
        for r in resources.values()
    )


def _platform_by_content(path: str, docs: list[dict]) -> str:
    data = docs[0]["data"] if docs else None
    if not isinstance(data, dict):
        return "other"
    if path.endswith((".yaml", ".yml")) and ("runtime" in data or is_app_platform_spec(data)):
        return "platform"
    if path.endswith(".json") and any(k in data for k in _HEROKU_APP_KEYS):
        return "platform"
    return "other"


_HEROKU_APP_KEYS = ("formation", "addons", "buildpacks")
_DO_COMPONENT_KEYS = frozenset(
    {"environment_slug", "run_command", "build_command", "dockerfile_path", "image", "github",
     "gitlab", "git", "source_dir", "instance_size_slug", "instance_count", "http_port"}
)  # fmt: skip


def is_app_platform_spec(data: dict) -> bool:
    """A DigitalOcean App Platform spec (``spec.yaml``, ``.do/app.yaml``, or wrapped in ``spec:``
    as in ``.do/deploy.template.yaml``): components that name how they are built and run."""
    spec = data.get("spec") if isinstance(data.get("spec"), dict) else data
    for key in ("services", "workers", "jobs"):
        components = spec.get(key)
        if isinstance(components, list) and any(
            isinstance(c, dict) and _DO_COMPONENT_KEYS & set(c) for c in components
        ):
            return True
    return False


def wants_document(path: str, text_start: str, chart_dirs: frozenset[str] = frozenset()) -> bool:
    """Cheap pre-filter: is this file worth parsing as a document at all?"""
    fmt = format_of(path)
    name = path.rsplit("/", 1)[-1]
    if fmt is None or name in _LOCK_NAMES:
        return False
    if category_by_path(path, chart_dirs) or _CONTENT_CANDIDATE_NAMES.search(path):
        return True
    if fmt == "yaml":
        return bool(_YAML_SNIFF.search(text_start))
    if fmt == "json":
        return bool(_JSON_SNIFF.search(text_start))
    return False


# ---------------------------------------------------------------------------------------------
# Redaction

_ENV_KEYS = frozenset(
    {"env", "environment", "environmentvariables", "containerenv", "remoteenv", "variables"}
)


def redact_tree(value: Any, kind: str | None = None) -> Any:
    """Redact literal values of secret-looking names anywhere in a parsed document (in place).

    Env lists (``[{name, value}]``, ``["NAME=value"]``) are handled under env-like keys;
    Kubernetes ``Secret`` objects lose every value of ``data``/``stringData``.
    """
    if isinstance(value, dict):
        secret_object = value.get("kind") == "Secret" and "apiVersion" in value
        for key, item in list(value.items()):
            if secret_object and key in ("data", "stringData") and isinstance(item, dict):
                value[key] = {k: REDACTED if is_redactable(v) else v for k, v in item.items()}
            elif isinstance(item, list) and key.lower() in _ENV_KEYS:
                value[key] = [redact_tree(i) for i in redact_env_mapping(item)]
            elif isinstance(item, dict | list):
                redact_tree(item)
            else:
                value[key] = redact_value(key, item)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, dict) and not ({"name", "value"} - item.keys()):
                value[index] = redact_env_mapping([item])[0]
            redact_tree(value[index])
    return value


# ---------------------------------------------------------------------------------------------
# Entry point

_PARSERS = {
    "yaml": parse_yaml,
    "json": parse_json,
    "toml": parse_toml,
    "properties": parse_properties,
}


def parse_document(
    path: str, text: str, chart_dirs: frozenset[str] = frozenset()
) -> tuple[dict | None, ParseError | None]:
    """The Document fact for ``path`` (None when it is not a category the checks read)."""
    fmt = format_of(path)
    if fmt is None or not wants_document(path, text[:65536], chart_dirs):
        return None, None
    category = category_by_path(path, chart_dirs)
    templated = category == "helm_template"
    source = detemplate(text) if templated else text
    parsed = _PARSERS[fmt](source)
    if category is None:
        # app.yaml is App Engine's name, but as often a Kubernetes manifest or a CloudFormation
        # template: the platform reading only wins when the content says nothing else.
        category = category_by_content(parsed.docs)
        if category == "other" and _CONTENT_CANDIDATE_NAMES.search(path):
            category = _platform_by_content(path, parsed.docs)
        if category == "other" and parsed.error is None:
            return None, None
        if category == "other":
            category = _guess_category_of_broken(text)
        if category == "other":
            return None, parsed.error
    if templated:
        _attach_guards(parsed.docs, text)
    for entry in parsed.docs:
        redact_tree(entry["data"])
        if len(json.dumps(entry["data"], ensure_ascii=False)) > MAX_LINES_BYTES:
            entry["lines"] = {}
    document = {
        "path": path,
        "format": fmt,
        "category": category,
        "templated": templated,
        "error": parsed.error.text() if parsed.error else None,
        "docs": parsed.docs,
    }
    return document, parsed.error


def _guess_category_of_broken(text: str) -> str:
    """A file that failed to parse still gets the category its text suggests."""
    if "AWSTemplateFormatVersion" in text or "AWS::" in text:
        return "cloudformation"
    if "containerDefinitions" in text:
        return "ecs_task_definition"
    if re.search(r"^[ \t]*[\"']?apiVersion", text, re.MULTILINE) and "kind" in text:
        return "k8s"
    if re.search(r"openapi|swagger|asyncapi", text[:2000]):
        return "openapi"
    return "other"

"""Dependency manifests of every common ecosystem, and lock files recognised by name.

``parse_manifest`` returns the contract's Manifest (docs/repo-facts.md): the declared
dependencies with the version spec as written and whether it pins one exact version.
Parsing is tolerant: a malformed manifest is a Manifest with ``error`` set, never an exception.
Lock file bodies are never read (they can be huge); their path says enough.
"""

from __future__ import annotations

import configparser
import json
import re
import tomllib
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from typing import Any

import yaml

from scorecards.collectors.repo_files.documents import plain_data

# Words in a manifest's name (or a dependency group's name) that mean "not needed to run".
_DEV_WORDS = frozenset(
    {
        "dev", "develop", "development", "test", "tests", "testing", "docs", "doc", "lint",
        "linting", "ci", "typing", "types", "mypy", "style", "qa", "local", "tox", "e2e",
        "check", "checks", "format", "fmt", "bench", "benchmark", "benchmarks", "debug",
        "coverage", "pre-commit", "precommit",
    }
)  # fmt: skip
_SHA = re.compile(r"^[0-9a-f]{40}$")


# ---------------------------------------------------------------------------------------
# Lock files
# ---------------------------------------------------------------------------------------

_LOCKFILES = {
    "poetry.lock": ("python", "poetry"),
    "uv.lock": ("python", "uv"),
    "pdm.lock": ("python", "pdm"),
    "Pipfile.lock": ("python", "pipenv"),
    "pixi.lock": ("conda", "pixi"),
    "conda-lock.yml": ("conda", "conda-lock"),
    "conda-lock.yaml": ("conda", "conda-lock"),
    "package-lock.json": ("node", "npm"),
    "npm-shrinkwrap.json": ("node", "npm"),
    "yarn.lock": ("node", "yarn"),
    "pnpm-lock.yaml": ("node", "pnpm"),
    "bun.lockb": ("node", "bun"),
    "bun.lock": ("node", "bun"),
    "deno.lock": ("deno", "deno"),
    "go.sum": ("go", "go"),
    "Gemfile.lock": ("ruby", "bundler"),
    "gems.locked": ("ruby", "bundler"),
    "Cargo.lock": ("rust", "cargo"),
    "composer.lock": ("php", "composer"),
    "packages.lock.json": ("dotnet", "nuget"),
    "paket.lock": ("dotnet", "paket"),
    "gradle.lockfile": ("java", "gradle"),
    "buildscript-gradle.lockfile": ("java", "gradle"),
    "mix.lock": ("elixir", "mix"),
    "pubspec.lock": ("dart", "pub"),
    "Package.resolved": ("swift", "swiftpm"),
    "renv.lock": ("r", "renv"),
}


def lockfile_info(path: str) -> dict | None:
    """``{"path", "ecosystem", "type"}`` when the file name is a known lock file."""
    name = _name(path)
    found = _LOCKFILES.get(name)
    if found is None and name.endswith(".conda-lock.yml"):
        found = ("conda", "conda-lock")
    if found is None and re.fullmatch(r"requirements.*\.lock", name):
        found = ("python", "rye")  # rye / uv pip compile lock output
    if found is None:
        return None
    return {"path": path, "ecosystem": found[0], "type": found[1]}


# ---------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------


def parse_manifest(path: str, text: str) -> dict | None:
    """The Manifest of a dependency manifest file, or None when ``path`` is not one."""
    parser = _parser_for(path)
    if parser is None:
        return None
    try:
        return parser(path, text)
    except Exception as exc:  # a malformed file is a fact, not a crash  # noqa: BLE001
        ecosystem, kind = _KIND_OF_PARSER.get(parser, ("unknown", "unknown"))
        return _manifest(path, ecosystem, kind, error=_one_line(exc))


def is_requirements_file(path: str) -> bool:
    """pip requirement / constraint files (``requirements*.txt``, ``requirements/*.in``...)."""
    name = _name(path).lower()
    parent = path.rsplit("/", 2)[-2].lower() if "/" in path else ""
    if name.endswith(".txt"):
        return "requirements" in name or "constraints" in name or parent == "requirements"
    if name.endswith(".in") and name != "manifest.in":
        return "requirements" in name or "constraints" in name or parent == "requirements"
    return False


def _parser_for(path: str) -> Callable[[str, str], dict] | None:
    name = _name(path)
    lower = name.lower()
    if is_requirements_file(path):
        return _parse_requirements
    if name in _BY_NAME:
        return _BY_NAME[name]
    if re.fullmatch(r"(environment|conda)([-_.][\w.-]+)?\.ya?ml", lower):
        return _parse_conda
    if lower.endswith((".csproj", ".fsproj", ".vbproj")):
        return _parse_csproj
    if lower.endswith(".gemspec"):
        return _parse_gemspec
    return None


# ---------------------------------------------------------------------------------------
# Shared helpers
# ---------------------------------------------------------------------------------------


def _name(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def _one_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]


def _words(text: str) -> set[str]:
    return {w for w in re.split(r"[^a-z0-9]+", text.lower()) if w}


def is_dev_name(text: str) -> bool:
    """A file or group name that says dev / test / docs / lint / ci / typing."""
    return bool(_words(text) & _DEV_WORDS) or text.lower() in _DEV_WORDS


def _manifest(
    path: str,
    ecosystem: str,
    kind: str,
    dependencies: list[dict] | None = None,
    *,
    role: str | None = None,
    includes: list[str] | None = None,
    details: dict | None = None,
    error: str | None = None,
) -> dict:
    dependencies = dependencies or []
    if role is None:
        only_dev = bool(dependencies) and all(d["dev"] for d in dependencies)
        role = "dev" if only_dev else "main"
    return {
        "path": path,
        "ecosystem": ecosystem,
        "type": kind,
        "role": role,
        "error": error,
        "dependencies": dependencies,
        "includes": includes or [],
        "details": details or {},
    }


def _dep(
    name: str, spec: str, exact: bool, line: int | None, dev: bool = False, **extra: Any
) -> dict:
    return {"name": name, "spec": spec, "exact": exact, "line": line, "dev": dev, **extra}


class _LineFinder:
    """First line mentioning a name, searched forward so repeated names map in order."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def find(self, *needles: str, after: int = 0) -> int | None:
        for index in range(after, len(self.lines)):
            if any(n and n in self.lines[index] for n in needles):
                return index + 1
        if after:
            return self.find(*needles)
        return None

    def key(self, name: str, after: int = 0) -> int | None:
        """Line of a TOML / JSON / YAML key ``name``."""
        return self.find(f'"{name}"', f"'{name}'", f"{name} =", f"{name}=", f"{name}:", after=after)


# ---------------------------------------------------------------------------------------
# Python
# ---------------------------------------------------------------------------------------

_PEP508 = re.compile(
    r"^\s*(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*+)\s*+(?P<extras>\[[^\]]*\])?\s*+"
    r"(?P<rest>[^;]*)(?:;\s*(?P<marker>.*))?$"
)
_VCS_URL = re.compile(r"^(?:git|hg|svn|bzr)\+\S+")
_SKIPPED_OPTIONS = re.compile(
    r"^(-i|--index-url|--extra-index-url|-f|--find-links|--trusted-host|--no-binary|"
    r"--only-binary|--pre|--prefer-binary|--require-hashes|--no-index|--use-feature|"
    r"-Z|--always-unzip|--config-settings|--global-option)\b"
)


def pep440_exact(spec: str) -> bool:
    """``==1.2.3`` and ``===x`` pin one version; ``==1.*``, ranges and ``~=`` do not."""
    clauses = [c.strip() for c in spec.split(",") if c.strip()]
    if len(clauses) != 1:
        return False
    clause = clauses[0]
    if clause.startswith("==="):
        return True
    return clause.startswith("==") and "*" not in clause and len(clause) > 2


def _python_requirement(text: str, line: int | None, dev: bool, **extra: Any) -> dict | None:
    """One PEP 508 requirement (``name[extra] >=1 ; marker``, ``name @ url``) as a dependency."""
    text = text.strip()
    if not text:
        return None
    if _VCS_URL.match(text):
        return _vcs_requirement(None, text, line, dev, **extra)
    match = _PEP508.match(text)
    if not match:
        return None
    name, rest = match["name"], match["rest"].strip()
    if rest.startswith("@"):
        url = rest[1:].strip()
        if _VCS_URL.match(url):
            return _vcs_requirement(name, url, line, dev, **extra)
        return None  # archive URLs and local paths are not registry dependencies
    spec = rest.strip("()").replace(" ", "")
    return _dep(name, spec, pep440_exact(spec), line, dev, **extra)


def _vcs_requirement(name: str | None, url: str, line: int | None, dev: bool, **extra: Any):
    egg = re.search(r"[#&]egg=([A-Za-z0-9._-]+)", url)
    name = name or (egg[1] if egg else url.split("#")[0].rstrip("/").rsplit("/", 1)[-1])
    name = re.sub(r"\.git$", "", name.split("@")[0])
    ref = re.search(r"@([^@#/]+)(?:#|$)", url.split("://", 1)[-1])
    pinned = bool(ref and _SHA.match(ref[1]))
    return _dep(name, url.split("#")[0], pinned, line, dev, vcs=True, **extra)


def _requirement_lines(text: str) -> Iterable[tuple[int, str]]:
    """(first line number, logical line) with ``\\`` continuations joined, comments removed."""
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), 1):
        line = re.sub(r"(^|\s)#.*$", "", raw).rstrip()
        if not pending:
            start = number
        if line.endswith("\\"):
            pending.append(line[:-1])
            continue
        pending.append(line)
        joined = " ".join(p.strip() for p in pending if p.strip())
        pending = []
        if joined:
            yield start, joined
    if pending and (joined := " ".join(p.strip() for p in pending if p.strip())):
        yield start, joined


def _parse_requirements(path: str, text: str) -> dict:
    dev = is_dev_name(_requirements_role_name(path))
    dependencies: list[dict] = []
    includes: list[str] = []
    details: dict[str, Any] = {}
    for number, line in _requirement_lines(text):
        include = re.match(r"^(-r|--requirement|-c|--constraint)[\s=]+(\S+)", line)
        if include:
            includes.append(include[2])
            continue
        if re.match(r"^(-e|--editable)[\s=]", line):
            target = re.split(r"[\s=]", line, maxsplit=1)[1].strip()
            if _VCS_URL.match(target):
                dependencies.append(_vcs_requirement(None, target, number, dev))
            continue
        if _SKIPPED_OPTIONS.match(line):
            if line.startswith(("-i", "--index-url", "--extra-index-url")):
                details.setdefault("index_urls", []).append(_redact_url(line.split()[-1]))
            continue
        if line.startswith("-") or _is_local_path(line):
            continue
        hashed = "--hash" in line
        requirement = re.split(r"\s--?[a-z]", line, maxsplit=1)[0]  # drop per-line options
        dep = _python_requirement(requirement, number, dev)
        if dep:
            if hashed:
                dep["exact"] = True
                dep["hashed"] = True
            dependencies.append(dep)
    if "constraints" in _name(path).lower():
        details["constraints"] = True
    if "# This file is autogenerated by pip-compile" in text or "uv pip compile" in text:
        details["compiled"] = True
    return _manifest(
        path,
        "python",
        "requirements",
        dependencies,
        role="dev" if dev else "main",
        includes=includes,
        details=details,
    )


def _requirements_role_name(path: str) -> str:
    name = _name(path).lower()
    stem = re.sub(r"\.(txt|in)$", "", name)
    stem = re.sub(r"(^|[-_.])(requirements|constraints|reqs?)([-_.]|$)", " ", stem)
    return stem


def _is_local_path(line: str) -> bool:
    return line.startswith((".", "/", "~", "file:")) or bool(re.match(r"^(https?|ftp)://", line))


def _redact_url(url: str) -> str:
    return re.sub(r"://[^/@\s]+@", "://«redacted»@", url)


def _parse_pyproject(path: str, text: str) -> dict:
    data = tomllib.loads(text)
    lines = _LineFinder(text)
    project = data.get("project") or {}
    tool = data.get("tool") or {}
    dependencies: list[dict] = []

    def add_pep508(items: Any, dev: bool, group: str | None = None) -> None:
        for item in items if isinstance(items, list) else []:
            if isinstance(item, str):
                extra = {"group": group} if group else {}
                dep = _python_requirement(item, lines.find(item), dev, **extra)
                if dep:
                    dependencies.append(dep)

    add_pep508(project.get("dependencies"), dev=False)
    for group, items in (project.get("optional-dependencies") or {}).items():
        add_pep508(items, dev=is_dev_name(group), group=group)
    for group, items in (data.get("dependency-groups") or {}).items():
        add_pep508(items, dev=True, group=group)  # PEP 735 groups are never installed by users
    add_pep508((tool.get("uv") or {}).get("dev-dependencies"), dev=True, group="dev")
    for group, items in ((tool.get("pdm") or {}).get("dev-dependencies") or {}).items():
        add_pep508(items, dev=True, group=group)
    for env, conf in ((tool.get("hatch") or {}).get("envs") or {}).items():
        if isinstance(conf, dict):
            for key in ("dependencies", "extra-dependencies"):
                add_pep508(conf.get(key), dev=env != "default" or is_dev_name(env), group=env)

    poetry = tool.get("poetry") or {}
    dependencies.extend(_poetry_dependencies(poetry.get("dependencies"), lines, False, None))
    dependencies.extend(_poetry_dependencies(poetry.get("dev-dependencies"), lines, True, "dev"))
    for group, conf in (poetry.get("group") or {}).items():
        deps = (conf or {}).get("dependencies")
        dependencies.extend(_poetry_dependencies(deps, lines, group != "main", group))

    backend = (data.get("build-system") or {}).get("build-backend")
    details: dict[str, Any] = {"build_backend": backend, "tool": _python_tool(tool, backend)}
    if project.get("name") or poetry.get("name"):
        details["name"] = project.get("name") or poetry.get("name")
    if project.get("requires-python"):
        details["requires_python"] = project["requires-python"]
    if project.get("scripts") or poetry.get("scripts"):
        details["scripts"] = dict(project.get("scripts") or poetry.get("scripts") or {})
    return _manifest(path, "python", "pyproject", dependencies, role="main", details=details)


def _python_tool(tool: dict, backend: str | None) -> str | None:
    for name in ("poetry", "pdm", "hatch", "uv", "flit", "setuptools", "maturin"):
        if name in tool or (backend and name in backend):
            return name
    return None


def _poetry_dependencies(table: Any, lines: _LineFinder, dev: bool, group: str | None):
    if not isinstance(table, dict):
        return []
    result = []
    for name, value in table.items():
        if name.lower() == "python":
            continue
        line = lines.key(name)
        extra = {"group": group} if group else {}
        if isinstance(value, list):  # multiple-constraint form: never one exact version
            spec = ";".join(str(v.get("version", "")) for v in value if isinstance(v, dict))
            result.append(_dep(name, spec, False, line, dev, **extra))
            continue
        if isinstance(value, dict):
            if "path" in value:
                continue
            if "git" in value:
                ref = str(value.get("rev") or value.get("tag") or value.get("branch") or "")
                spec = f"{value['git']}@{ref}" if ref else str(value["git"])
                exact = bool(_SHA.match(str(value.get("rev", ""))))
                result.append(_dep(name, spec, exact, line, dev, vcs=True, **extra))
                continue
            value = value.get("version", "*")
        spec = str(value).replace(" ", "")
        result.append(_dep(name, spec, _poetry_exact(spec), line, dev, **extra))
    return result


def _poetry_exact(spec: str) -> bool:
    # Poetry reads a bare version ("1.2.3") as "==1.2.3".
    if re.fullmatch(r"\d+(\.\d+)*([a-z0-9.+-]*)?", spec):
        return True
    return pep440_exact(spec)


def _parse_pipfile(path: str, text: str) -> dict:
    data = tomllib.loads(text)
    lines = _LineFinder(text)
    dependencies = []
    for section, dev in (("packages", False), ("dev-packages", True)):
        for name, value in (data.get(section) or {}).items():
            line = lines.key(name)
            if isinstance(value, dict):
                if "path" in value or "file" in value:
                    continue
                if "git" in value:
                    ref = str(value.get("ref", ""))
                    dependencies.append(
                        _dep(name, f"{value['git']}@{ref}", bool(_SHA.match(ref)), line, dev)
                    )
                    continue
                value = value.get("version", "*")
            spec = str(value)
            dependencies.append(_dep(name, spec, pep440_exact(spec), line, dev))
    details = {"requires": data.get("requires") or {}}
    return _manifest(path, "python", "pipfile", dependencies, role="main", details=details)


def _parse_setup_cfg(path: str, text: str) -> dict | None:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(text)
    lines = _LineFinder(text)
    dependencies: list[dict] = []
    if parser.has_option("options", "install_requires"):
        for item in _cfg_list(parser.get("options", "install_requires")):
            dep = _python_requirement(item, lines.find(item), False)
            if dep:
                dependencies.append(dep)
    if parser.has_section("options.extras_require"):
        for group, value in parser.items("options.extras_require"):
            for item in _cfg_list(value):
                dep = _python_requirement(item, lines.find(item), is_dev_name(group), group=group)
                if dep:
                    dependencies.append(dep)
    if not dependencies and not parser.has_section("options"):
        return None  # a setup.cfg holding only tool settings (flake8, isort...)
    return _manifest(path, "python", "setup.cfg", dependencies, role="main")


def _cfg_list(value: str) -> list[str]:
    return [v.strip() for v in re.split(r"[\n;]", value) if v.strip() and "file:" not in v]


def _parse_setup_py(path: str, text: str) -> dict:
    lines = _LineFinder(text)
    dependencies: list[dict] = []
    for keyword, dev in (("install_requires", False), ("tests_require", True)):
        for item in _python_list_literal(text, keyword):
            dep = _python_requirement(item, lines.find(f'"{item}"', f"'{item}'"), dev)
            if dep:
                dependencies.append(dep)
    return _manifest(path, "python", "setup.py", dependencies, role="main")


def _python_list_literal(text: str, keyword: str) -> list[str]:
    """Strings of ``keyword=[...]`` in a setup() call, following one variable indirection."""
    match = re.search(rf"{keyword}\s*=\s*(\[.*?\]|[A-Za-z_]\w*)", text, re.DOTALL)
    if not match:
        return []
    body = match[1]
    if not body.startswith("["):
        assigned = re.search(rf"^{re.escape(body)}\s*=\s*(\[.*?\])", text, re.DOTALL | re.M)
        if not assigned:
            return []
        body = assigned[1]
    return re.findall(r"""["']([^"'\n]+)["']""", body)


def _load_yaml(text: str) -> Any:
    """``yaml.safe_load`` bounded: aliases share one object when loaded, but every later walk
    (``str()``, JSON) expands them — a billion-laughs file is refused here as too large."""
    return plain_data(yaml.safe_load(text))


def _parse_conda(path: str, text: str) -> dict | None:
    data = _load_yaml(text)
    if not isinstance(data, dict) or not isinstance(data.get("dependencies"), list):
        return None
    lines = _LineFinder(text)
    dependencies = []
    for item in data["dependencies"]:
        if isinstance(item, dict) and isinstance(item.get("pip"), list):
            for requirement in item["pip"]:
                if isinstance(requirement, str) and not requirement.startswith("-"):
                    dep = _python_requirement(requirement, lines.find(requirement), False)
                    if dep:
                        dependencies.append({**dep, "pip": True})
        elif isinstance(item, str):
            dependencies.append(_conda_dependency(item, lines.find(item)))
    details = {"channels": data.get("channels") or [], "name": data.get("name")}
    return _manifest(path, "conda", "environment.yml", dependencies, role="main", details=details)


def _conda_dependency(item: str, line: int | None) -> dict:
    match = re.match(r"^\s*([A-Za-z0-9_.:/-]+?)\s*((?:[=<>!~].*)?)$", item)
    name, spec = (match[1], match[2].replace(" ", "")) if match else (item, "")
    name = name.split("::")[-1]
    exact = spec.startswith("==") and "*" not in spec and "," not in spec
    # "=1.2.3=build" is fully pinned; "=1.26.4" pins a full version in practice.
    if not exact and re.fullmatch(r"^=\d+\.\d+\.\d+[\w.]*+(=[\w.]+)?", spec):
        exact = True
    return _dep(name, spec, exact, line)


# ---------------------------------------------------------------------------------------
# JavaScript / TypeScript
# ---------------------------------------------------------------------------------------

_NPM_EXACT = re.compile(r"^[=v]?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$")
_NPM_LOCAL = ("file:", "link:", "workspace:", "portal:")
_NPM_GROUPS = (
    ("dependencies", False),
    ("devDependencies", True),
    ("peerDependencies", False),
    ("optionalDependencies", False),
)


def npm_exact(spec: str) -> bool:
    """``1.2.3`` pins; ``^1.2.3``, ``~1``, ``*``, ``latest``, ranges do not. Git refs: a sha."""
    spec = spec.strip()
    if spec.startswith("npm:"):
        spec = spec.rsplit("@", 1)[-1] if "@" in spec[5:] else ""
    if "#" in spec and ("/" in spec or spec.startswith(("git", "github:"))):
        return bool(_SHA.match(spec.rsplit("#", 1)[-1]))
    return bool(_NPM_EXACT.match(spec))


def _parse_package_json(path: str, text: str) -> dict:
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("package.json is not an object")
    lines = _LineFinder(text)
    dependencies = []
    for group, dev in _NPM_GROUPS:
        table = data.get(group)
        if not isinstance(table, dict):
            continue
        group_line = lines.key(group) or 0
        for name, spec in table.items():
            spec = str(spec)
            if spec.startswith(_NPM_LOCAL):
                continue
            line = lines.find(f'"{name}"', after=group_line)
            dependencies.append(_dep(name, spec, npm_exact(spec), line, dev, group=group))
    details: dict[str, Any] = {}
    workspaces = data.get("workspaces")
    if workspaces:
        details["workspaces"] = True
        globs = workspaces.get("packages") if isinstance(workspaces, dict) else workspaces
        details["workspace_globs"] = [g for g in globs or [] if isinstance(g, str)]
    for key in ("name", "private", "scripts", "packageManager", "engines", "main", "type"):
        if key in data:
            details[key] = data[key]
    if isinstance(data.get("scripts"), dict):  # evidence names the line of a script
        scripts_line = lines.key("scripts") or 0
        details["script_lines"] = {
            str(name): lines.find(f'"{name}"', after=scripts_line) for name in data["scripts"]
        }
    # Renovate also reads its configuration from a "renovate" key of package.json.
    if isinstance(data.get("renovate"), dict):
        details["renovate"] = True
    return _manifest(path, "node", "package.json", dependencies, role="main", details=details)


def _parse_deno_json(path: str, text: str) -> dict:
    data = json.loads(_strip_json_comments(text))
    lines = _LineFinder(text)
    dependencies = []
    for name, target in (data.get("imports") or {}).items():
        target = str(target)
        if not target.startswith(("npm:", "jsr:")):
            continue
        spec = target.split(":", 1)[1]
        version = spec.rsplit("@", 1)[1] if "@" in spec.lstrip("@") else ""
        dependencies.append(_dep(name, version, npm_exact(version), lines.key(name)))
    details = {"tasks": data.get("tasks") or {}}
    return _manifest(path, "deno", "deno.json", dependencies, role="main", details=details)


def _strip_json_comments(text: str) -> str:
    return re.sub(r'("(?:\\.|[^"\\])*")|//[^\n]*|/\*.*?\*/', lambda m: m[1] or "", text, flags=re.S)


# ---------------------------------------------------------------------------------------
# Go, Rust, PHP
# ---------------------------------------------------------------------------------------


def _parse_go_mod(path: str, text: str) -> dict:
    dependencies = []
    details: dict[str, Any] = {}
    in_require = False
    for number, raw in enumerate(text.splitlines(), 1):
        indirect = "// indirect" in raw
        line = raw.split("//", 1)[0].strip()
        if not line:
            continue
        if in_require:
            if line == ")":
                in_require = False
                continue
            parts = line.split()
        elif line.startswith("require ("):
            in_require = True
            continue
        elif line.startswith("require "):
            parts = line.split()[1:]
        else:
            _go_directive(line, details)
            continue
        if len(parts) >= 2:
            dependencies.append(_dep(parts[0], parts[1], True, number, indirect=indirect))
    return _manifest(path, "go", "go.mod", dependencies, role="main", details=details)


def _go_directive(line: str, details: dict) -> None:
    word, _, rest = line.partition(" ")
    if word in ("module", "go", "toolchain") and rest:
        details[word] = rest.strip().strip('"')
    elif word == "replace" or (word and "=>" in line):
        details["replaces"] = details.get("replaces", 0) + 1


def _parse_cargo(path: str, text: str) -> dict:
    data = tomllib.loads(text)
    lines = _LineFinder(text)
    dependencies: list[dict] = []
    tables: list[tuple[Any, bool]] = [
        (data.get("dependencies"), False),
        (data.get("dev-dependencies"), True),
        (data.get("build-dependencies"), False),
        ((data.get("workspace") or {}).get("dependencies"), False),
    ]
    for target in (data.get("target") or {}).values():
        if isinstance(target, dict):
            tables.append((target.get("dependencies"), False))
            tables.append((target.get("dev-dependencies"), True))
    for table, dev in tables:
        for name, value in (table or {}).items():
            dep = _cargo_dependency(name, value, lines.key(name), dev)
            if dep:
                dependencies.append(dep)
    workspace = data.get("workspace")
    details: dict[str, Any] = {"workspace": isinstance(workspace, dict)}
    if isinstance(workspace, dict):
        details["members"] = workspace.get("members") or []
    if isinstance(data.get("package"), dict):
        details["name"] = data["package"].get("name")
    return _manifest(path, "rust", "Cargo.toml", dependencies, role="main", details=details)


def _cargo_dependency(name: str, value: Any, line: int | None, dev: bool) -> dict | None:
    if isinstance(value, dict):
        if "path" in value:
            return None
        if value.get("workspace") is True:
            return _dep(name, "workspace", True, line, dev)  # pinned by the workspace table
        if "git" in value:
            rev = str(value.get("rev", ""))
            return _dep(name, f"{value['git']}@{rev}", bool(_SHA.match(rev)), line, dev)
        value = value.get("version", "*")
    spec = str(value).replace(" ", "")
    # Cargo reads "1.2.3" as "^1.2.3": only "=1.2.3" pins.
    return _dep(name, spec, bool(re.fullmatch(r"=\d+\.\d+\.\d+\S*", spec)), line, dev)


def _parse_composer(path: str, text: str) -> dict:
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("composer.json is not an object")
    lines = _LineFinder(text)
    dependencies = []
    for group, dev in (("require", False), ("require-dev", True)):
        group_line = lines.key(group) or 0
        table = data.get(group)
        for name, spec in (table if isinstance(table, dict) else {}).items():
            if name == "php" or name.startswith(("ext-", "lib-")) or "/" not in name:
                continue
            spec = str(spec)
            line = lines.find(f'"{name}"', after=group_line)
            dependencies.append(_dep(name, spec, _composer_exact(spec), line, dev))
    details = {k: data[k] for k in ("name", "type", "scripts") if k in data}
    return _manifest(path, "php", "composer.json", dependencies, role="main", details=details)


def _composer_exact(spec: str) -> bool:
    if "#" in spec:
        return bool(_SHA.match(spec.rsplit("#", 1)[-1]))
    return bool(re.fullmatch(r"^=?=?v?\d+\.\d+\.\d+(\.\d+)?(-[\w.]+)?", spec.strip()))


# ---------------------------------------------------------------------------------------
# JVM: Maven, Gradle, sbt
# ---------------------------------------------------------------------------------------


def maven_exact(version: str | None) -> bool:
    """A fixed version; a missing one is managed by a parent or BOM, which pins it too."""
    if version is None or version == "":
        return True
    if version in ("LATEST", "RELEASE") or version.endswith("-SNAPSHOT"):
        return False
    if version.startswith(("[", "(")):
        return bool(re.fullmatch(r"\[[^,\]]+\]", version))  # "[1.2.3]" is a hard pin
    return True


def _parse_pom(path: str, text: str) -> dict:
    root = ET.fromstring(text)
    ns = root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""

    def child(element: ET.Element | None, tag: str) -> str | None:
        found = element.find(f"{ns}{tag}") if element is not None else None
        return found.text.strip() if found is not None and found.text else None

    properties = {
        el.tag.replace(ns, ""): (el.text or "").strip()
        for el in (root.find(f"{ns}properties") or [])
    }
    project_version = child(root, "version")
    lines = _LineFinder(text)
    dependencies = []
    after = lines.find("<dependencies>") or 0
    management = root.find(f"{ns}dependencyManagement")
    managed_ids = {id(el) for el in management.iter()} if management is not None else set()
    for element in root.iter(f"{ns}dependency"):
        if id(element) in managed_ids:
            continue
        group, artifact = child(element, "groupId"), child(element, "artifactId")
        if not artifact:
            continue
        raw_version = child(element, "version")
        version = _resolve_property(raw_version, properties, project_version)
        line = lines.find(f"<artifactId>{artifact}</artifactId>", after=after)
        after = line or after
        scope = child(element, "scope") or "compile"
        dependencies.append(
            _dep(
                f"{group}:{artifact}",
                raw_version or "",
                maven_exact(version),
                line,
                scope == "test",
                scope=scope,
            )
        )
    parent = root.find(f"{ns}parent")
    details: dict[str, Any] = {"packaging": child(root, "packaging") or "jar"}
    if parent is not None:
        details["parent"] = (
            ":".join(p or "" for p in (child(parent, "groupId"), child(parent, "artifactId")))
            + f":{child(parent, 'version') or ''}"
        )
    modules = root.find(f"{ns}modules")
    if modules is not None:
        details["modules"] = [m.text.strip() for m in modules if m.text]
    details["plugins"] = sorted(
        {child(p, "artifactId") or "" for p in root.iter(f"{ns}plugin")} - {""}
    )
    return _manifest(path, "java", "pom.xml", dependencies, role="main", details=details)


def _resolve_property(version: str | None, properties: dict, project_version: str | None):
    if not version or "${" not in version:
        return version
    if version in ("${project.version}", "${version}"):
        return project_version or version
    match = re.fullmatch(r"^\$\{([^}]+)\}", version)
    return properties.get(match[1], version) if match else version


_GRADLE_CONFIG = (
    r"(?P<config>implementation|api|compileOnly|runtimeOnly|testImplementation|testApi|"
    r"testCompileOnly|testRuntimeOnly|androidTestImplementation|debugImplementation|kapt|ksp|"
    r"annotationProcessor|testAnnotationProcessor|classpath|developmentOnly|compile|"
    r"testCompile|runtime|providedCompile|providedRuntime|integrationTestImplementation)"
)
_GRADLE_STRING_DEP = re.compile(
    _GRADLE_CONFIG + r"""\s*\(?\s*(?:(?:platform|enforcedPlatform)\s*\(\s*)?"""
    r"""["'](?P<coords>[^"':\s]+:[^"':\s]+(?::[^"'\s]*)?)["']"""
)
_GRADLE_MAP_DEP = re.compile(
    _GRADLE_CONFIG + r"""\s*\(?\s*group\s*[:=]\s*["'](?P<group>[^"']+)["']\s*,\s*"""
    r"""name\s*[:=]\s*["'](?P<name>[^"']+)["']"""
    r"""(?:\s*,\s*version\s*[:=]\s*["'](?P<version>[^"']+)["'])?"""
)
_GRADLE_PLUGIN = re.compile(
    r"""(?:\bid\s*\(?\s*["']([\w.-]+)["']|apply\s+plugin\s*:\s*["']([\w.-]+)["']|"""
    r"""^\s*`?(war|java|application|java-library|groovy|scala)`?\s*$)"""
)


def gradle_exact(version: str | None) -> bool:
    """``1.+``, ``latest.release``, ranges and snapshots float; no version means managed."""
    if not version:
        return True
    version = version.split("@")[0]
    if "+" in version or version.startswith("latest.") or version.endswith("-SNAPSHOT"):
        return False
    if version.startswith(("[", "(")) or "]" in version or ")" in version:
        return bool(re.fullmatch(r"\[[^,\]]+\]", version))
    return True


def _parse_gradle(path: str, text: str) -> dict:
    dependencies = []
    plugins: list[str] = []
    in_plugins = False
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("//"):
            continue
        if re.match(r"^plugins\s*\{", stripped):
            in_plugins = True
        elif in_plugins and stripped.startswith("}"):
            in_plugins = False
        plugin = _GRADLE_PLUGIN.search(line)
        if plugin and (in_plugins or plugin[2]):
            plugins.append(next(g for g in plugin.groups() if g))
        for match in _GRADLE_STRING_DEP.finditer(line):
            group, name, *rest = match["coords"].split(":")
            version = rest[0] if rest else None
            dependencies.append(_gradle_dep(match["config"], f"{group}:{name}", version, number))
        for match in _GRADLE_MAP_DEP.finditer(line):
            name = f"{match['group']}:{match['name']}"
            dependencies.append(_gradle_dep(match["config"], name, match["version"], number))
    details = {"plugins": plugins, "kotlin_dsl": path.endswith(".kts")}
    return _manifest(path, "java", "build.gradle", dependencies, role="main", details=details)


def _gradle_dep(config: str, name: str, version: str | None, line: int) -> dict:
    dev = config.lower().startswith(("test", "androidtest", "integrationtest", "debug"))
    return _dep(name, version or "", gradle_exact(version), line, dev, configuration=config)


def _parse_version_catalog(path: str, text: str) -> dict:
    data = tomllib.loads(text)
    versions = data.get("versions") or {}
    lines = _LineFinder(text)
    dependencies = []
    for alias, value in (data.get("libraries") or {}).items():
        if isinstance(value, str):
            parts = value.split(":")
            name, version = ":".join(parts[:2]), (parts[2] if len(parts) > 2 else None)
        elif isinstance(value, dict):
            name = value.get("module") or f"{value.get('group')}:{value.get('name')}"
            version = value.get("version")
            if isinstance(version, dict) and isinstance(version.get("ref"), str):
                version = versions.get(version["ref"])  # version.ref = "spring"
        else:
            continue
        if isinstance(version, dict):
            version = version.get("strictly") or version.get("require") or version.get("prefer")
        spec = str(version) if version else ""
        dependencies.append(_dep(str(name), spec, gradle_exact(spec), lines.key(alias)))
    return _manifest(path, "java", "version-catalog", dependencies, role="main")


_SBT_DEP = re.compile(
    r"""["'](?P<group>[^"']+)["']\s*%%?%?\s*["'](?P<name>[^"']+)["']\s*%\s*"""
    r"""(?P<version>["'][^"']*["']|[A-Za-z_][\w.]*)(?P<rest>[^,\n)]*)"""
)


def _parse_sbt(path: str, text: str) -> dict:
    dependencies = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip().startswith("//"):
            continue
        for match in _SBT_DEP.finditer(line):
            version = match["version"].strip("\"'")
            literal = match["version"][0] in "\"'"
            exact = gradle_exact(version) if literal else True
            dev = bool(re.search(r"%\s*(\"test\"|Test|IntegrationTest|\"it\")", match["rest"]))
            name = f"{match['group']}:{match['name']}"
            dependencies.append(_dep(name, version, exact, number, dev))
    return _manifest(path, "scala", "build.sbt", dependencies, role="main")


# ---------------------------------------------------------------------------------------
# Ruby
# ---------------------------------------------------------------------------------------

_GEM = re.compile(r"""^\s*gem\s*\(?\s*["'](?P<name>[^"']+)["'](?P<rest>.*)$""")
_GEM_GROUP = re.compile(r"^\s*group\s+(?P<groups>[^\n]*?)\s+do\b")


def gem_exact(specs: list[str]) -> bool:
    """One ``= 1.2.3`` or bare ``1.2.3`` requirement pins; ``~>``, ``>=`` do not."""
    return len(specs) == 1 and bool(re.fullmatch(r"^(=\s*)?\d+(?:\.\d+)++[\w.]*", specs[0].strip()))


def _parse_gemfile(path: str, text: str) -> dict:
    dependencies = []
    groups: list[list[str]] = []
    details: dict[str, Any] = {}
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.split("#", 1)[0].strip()
        group = _GEM_GROUP.match(stripped)
        if group:
            groups.append(re.findall(r":(\w+)|[\"'](\w+)[\"']", group["groups"]))
            continue
        if re.fullmatch(r"end", stripped) and groups:
            groups.pop()
            continue
        ruby = re.match(r"""^ruby\s+["']([^"']+)["']""", stripped)
        if ruby:
            details["ruby"] = ruby[1]
        gem = _GEM.match(stripped)
        if not gem:
            continue
        rest = gem["rest"]
        specs = re.findall(r"""^\s*,\s*["']([^"']+)["']|(?<=,)\s*["']([~<>=!\d][^"']*)["']""", rest)
        spec_list = [a or b for a, b in specs]
        names = [a or b for g in groups for a, b in g]
        inline = re.search(r"group[s]?\s*(?::|=>)\s*\[?([^\]\n]*)", rest)
        if inline:
            names += re.findall(r":?(\w+)", inline[1])
        dev = bool(names) and all(is_dev_name(n) for n in names)
        if "path:" in rest or ":path" in rest:
            continue
        if "git" in rest:
            ref = re.search(r"""ref\s*(?::|=>)\s*["']([0-9a-f]{40})["']""", rest)
            dependencies.append(_dep(gem["name"], rest.strip(", "), bool(ref), number, dev))
            continue
        spec = ", ".join(spec_list)
        dependencies.append(_dep(gem["name"], spec, gem_exact(spec_list), number, dev))
    return _manifest(path, "ruby", "Gemfile", dependencies, role="main", details=details)


def _parse_gemspec(path: str, text: str) -> dict:
    dependencies = []
    pattern = re.compile(
        r"""add_(?P<kind>runtime_|development_)?dependency\s*\(?\s*["'](?P<name>[^"']+)["']"""
        r"""(?P<rest>[^\n]*)"""
    )
    for number, line in enumerate(text.splitlines(), 1):
        for match in pattern.finditer(line):
            specs = re.findall(r"""["']([^"']+)["']""", match["rest"])
            dev = match["kind"] == "development_"
            dependencies.append(
                _dep(match["name"], ", ".join(specs), gem_exact(specs), number, dev)
            )
    return _manifest(path, "ruby", "gemspec", dependencies, role="main")


# ---------------------------------------------------------------------------------------
# .NET
# ---------------------------------------------------------------------------------------

_XML_ATTRS = re.compile(r"""(?<![\w:.-])([\w:.-]++)\s*=\s*["']([^"']*)["']""")


def nuget_exact(version: str | None) -> bool:
    """A version without ``*`` and not a range; missing means central package management."""
    if not version:
        return True
    if "*" in version:
        return False
    if version.startswith(("[", "(")):
        return bool(re.fullmatch(r"\[[^,\]]+\]", version))
    return True


def _xml_elements(text: str, tag: str) -> Iterable[tuple[int, dict, str]]:
    """(line, attributes, inner text) of each ``<tag ...>`` element, read with a regex."""
    pattern = re.compile(rf"<{tag}\b(?P<attrs>[^>]*?)(?:/>|>(?P<body>.*?)</{tag}\s*>)", re.S)
    for match in pattern.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        yield line, dict(_XML_ATTRS.findall(match["attrs"])), match["body"] or ""


def _parse_csproj(path: str, text: str) -> dict:
    ET.fromstring(text)  # malformed project files become an error
    dependencies = []
    test_project = False
    for line, attrs, body in _xml_elements(text, "PackageReference"):
        name = attrs.get("Include") or attrs.get("Update")
        if not name:
            continue
        inner = re.search(r"<Version>\s*([^<]+?)\s*</Version>", body)
        version = (
            attrs.get("Version") or attrs.get("VersionOverride") or (inner[1] if inner else None)
        )
        private = attrs.get("PrivateAssets", "").lower() == "all" or "<PrivateAssets>all" in body
        dependencies.append(_dep(name, version or "", nuget_exact(version), line, private))
        if name in ("Microsoft.NET.Test.Sdk", "xunit", "NUnit", "MSTest.TestFramework"):
            test_project = True
    sdk = re.search(r"""<Project\s+Sdk\s*=\s*["']([^"']+)["']""", text)
    details: dict[str, Any] = {"sdk": sdk[1] if sdk else None}
    for tag, key in (("TargetFramework", "target_framework"), ("OutputType", "output_type")):
        found = re.search(rf"<{tag}>\s*([^<]+?)\s*</{tag}>", text)
        if found:
            details[key] = found[1]
    test_project = test_project or "<IsTestProject>true" in text
    kind = _name(path).rsplit(".", 1)[-1].lower()
    role = "dev" if test_project else "main"
    return _manifest(path, "dotnet", kind, dependencies, role=role, details=details)


def _parse_packages_config(path: str, text: str) -> dict:
    ET.fromstring(text)
    dependencies = []
    for line, attrs, _ in _xml_elements(text, "package"):
        version = attrs.get("version")
        dev = attrs.get("developmentDependency", "").lower() == "true"
        name = attrs.get("id", "")
        dependencies.append(_dep(name, version or "", nuget_exact(version), line, dev))
    return _manifest(path, "dotnet", "packages.config", dependencies, role="main")


def _parse_central_packages(path: str, text: str) -> dict:
    ET.fromstring(text)
    dependencies = []
    for line, attrs, _ in _xml_elements(text, "PackageVersion"):
        version = attrs.get("Version")
        name = attrs.get("Include", "")
        dependencies.append(_dep(name, version or "", nuget_exact(version), line))
    return _manifest(path, "dotnet", "Directory.Packages.props", dependencies, role="main")


# ---------------------------------------------------------------------------------------
# Elixir, Dart, Swift, R
# ---------------------------------------------------------------------------------------

_MIX_DEP = re.compile(r"""\{\s*:(?P<name>\w+)\s*,\s*(?P<rest>[^{}]*?)\}""")


def _parse_mix(path: str, text: str) -> dict:
    dependencies = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip().startswith("#"):
            continue
        for match in _MIX_DEP.finditer(line):
            rest = match["rest"]
            if "path:" in rest or "in_umbrella:" in rest:
                continue
            version = re.match(r"""^\s*+["']([^"']+)["']""", rest)
            only = re.search(r"only:\s*\[?([^\]\n]*)", rest)
            dev = bool(only) and all(is_dev_name(w) for w in re.findall(r":(\w+)", only[1]))
            if version:
                spec = version[1]
                exact = bool(re.fullmatch(r"^(==\s*)?\d+\.\d+\.\d+[\w.-]*", spec))
            elif "git:" in rest or "github:" in rest:
                ref = re.search(r"""ref:\s*["']([0-9a-f]{40})["']""", rest)
                spec, exact = rest.strip(), bool(ref)
            else:
                continue
            dependencies.append(_dep(match["name"], spec, exact, number, dev))
    return _manifest(path, "elixir", "mix.exs", dependencies, role="main")


def _parse_pubspec(path: str, text: str) -> dict:
    data = _load_yaml(text) or {}
    if not isinstance(data, dict):
        raise ValueError("pubspec.yaml is not a mapping")
    lines = _LineFinder(text)
    dependencies = []
    for section, dev in (("dependencies", False), ("dev_dependencies", True)):
        after = lines.key(section) or 0
        table = data.get(section)
        for name, value in (table if isinstance(table, dict) else {}).items():
            if isinstance(value, dict):
                if "sdk" in value or "path" in value:
                    continue
                if "git" in value:
                    git = value["git"]
                    ref = str(git.get("ref", "")) if isinstance(git, dict) else ""
                    line = lines.find(f"{name}:", after=after)
                    dependencies.append(_dep(name, str(git), bool(_SHA.match(ref)), line, dev))
                    continue
                value = value.get("version", "any")
            spec = "any" if value is None else str(value)
            exact = bool(re.fullmatch(r"^\d+\.\d+\.\d+[\w.+-]*", spec))
            dependencies.append(_dep(name, spec, exact, lines.find(f"{name}:", after=after), dev))
    main = data.get("dependencies")
    details = {"name": data.get("name"), "flutter": isinstance(main, dict) and "flutter" in main}
    return _manifest(path, "dart", "pubspec.yaml", dependencies, role="main", details=details)


_SWIFT_PACKAGE = re.compile(r"""\.package\s*\((?P<args>[^()]*(?:\([^()]*\)[^()]*)*)\)""", re.S)


def _parse_package_swift(path: str, text: str) -> dict:
    dependencies = []
    for match in _SWIFT_PACKAGE.finditer(text):
        args = match["args"]
        url = re.search(r"""(?:url|path)\s*:\s*"([^"]+)\"""", args)
        if not url or re.search(r"\bpath\s*:", args):
            continue
        name = re.sub(r"\.git$", "", url[1].rstrip("/").rsplit("/", 1)[-1])
        exact_form = re.search(r"""(?:exact\s*:|\.exact\s*\()\s*"([^"]+)\"""", args)
        revision = re.search(r"""revision\s*:\s*"([0-9a-f]{40})\"""", args)
        spec = re.sub(r"\s+", " ", args.split(url[0], 1)[-1].strip(" ,\n"))
        exact = bool(exact_form or revision)
        line = text.count("\n", 0, match.start()) + 1
        dependencies.append(_dep(name, spec, exact, line))
    return _manifest(path, "swift", "Package.swift", dependencies, role="main")


def _parse_r_description(path: str, text: str) -> dict | None:
    if not re.search(r"^Package:\s*\S", text, re.M):
        return None
    dependencies = []
    for field in ("Depends", "Imports", "LinkingTo", "Suggests"):
        block = re.search(rf"^{field}:(.*(?:\n[ \t].*)*)", text, re.M)
        if not block:
            continue
        first_line = text.count("\n", 0, block.start()) + 1
        for item in block[1].split(","):
            item = item.strip()
            match = re.match(r"([A-Za-z][\w.]*)\s*(?:\(([^)]*)\))?", item)
            if not match or match[1] == "R":
                continue
            spec = (match[2] or "").replace(" ", "")
            exact = spec.startswith("==")
            dependencies.append(_dep(match[1], spec, exact, first_line, field == "Suggests"))
    return _manifest(path, "r", "DESCRIPTION", dependencies, role="main")


# ---------------------------------------------------------------------------------------
# Dispatch tables (after the parsers they name)
# ---------------------------------------------------------------------------------------

_BY_NAME: dict[str, Callable[[str, str], dict | None]] = {
    "pyproject.toml": _parse_pyproject,
    "Pipfile": _parse_pipfile,
    "setup.cfg": _parse_setup_cfg,
    "setup.py": _parse_setup_py,
    "package.json": _parse_package_json,
    "deno.json": _parse_deno_json,
    "deno.jsonc": _parse_deno_json,
    "go.mod": _parse_go_mod,
    "Cargo.toml": _parse_cargo,
    "composer.json": _parse_composer,
    "pom.xml": _parse_pom,
    "build.gradle": _parse_gradle,
    "build.gradle.kts": _parse_gradle,
    "libs.versions.toml": _parse_version_catalog,
    "build.sbt": _parse_sbt,
    "Gemfile": _parse_gemfile,
    "gems.rb": _parse_gemfile,
    "packages.config": _parse_packages_config,
    "Directory.Packages.props": _parse_central_packages,
    "mix.exs": _parse_mix,
    "pubspec.yaml": _parse_pubspec,
    "Package.swift": _parse_package_swift,
    "DESCRIPTION": _parse_r_description,
}

_KIND_OF_PARSER: dict[Callable, tuple[str, str]] = {
    _parse_requirements: ("python", "requirements"),
    _parse_pyproject: ("python", "pyproject"),
    _parse_pipfile: ("python", "pipfile"),
    _parse_setup_cfg: ("python", "setup.cfg"),
    _parse_setup_py: ("python", "setup.py"),
    _parse_conda: ("conda", "environment.yml"),
    _parse_package_json: ("node", "package.json"),
    _parse_deno_json: ("deno", "deno.json"),
    _parse_go_mod: ("go", "go.mod"),
    _parse_cargo: ("rust", "Cargo.toml"),
    _parse_composer: ("php", "composer.json"),
    _parse_pom: ("java", "pom.xml"),
    _parse_gradle: ("java", "build.gradle"),
    _parse_version_catalog: ("java", "version-catalog"),
    _parse_sbt: ("scala", "build.sbt"),
    _parse_gemfile: ("ruby", "Gemfile"),
    _parse_gemspec: ("ruby", "gemspec"),
    _parse_csproj: ("dotnet", "csproj"),
    _parse_packages_config: ("dotnet", "packages.config"),
    _parse_central_packages: ("dotnet", "Directory.Packages.props"),
    _parse_mix: ("elixir", "mix.exs"),
    _parse_pubspec: ("dart", "pubspec.yaml"),
    _parse_package_swift: ("swift", "Package.swift"),
    _parse_r_description: ("r", "DESCRIPTION"),
}

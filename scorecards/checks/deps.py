"""Checks of factor II, Dependencies (see catalogue/deps.yaml for their metadata and remediation).

Dependencies are declared (a manifest), isolated and locked (a lock file or exact pins), and the
images and runtimes they build on are pinned and supported.
"""

from __future__ import annotations

import posixpath
import re
from datetime import date, timedelta

from scorecards.checks import deployables as d
from scorecards.checks import live_aws
from scorecards.checks.context import CheckContext
from scorecards.checks.registry import check
from scorecards.checks.results import Evidence, Outcome
from scorecards.collectors.repo_files.signals import language_of

# --- deps.manifest --------------------------------------------------------------------------

# Languages whose code normally needs a package manager to build or run.
_PACKAGED_LANGUAGES = frozenset(
    {
        "python",
        "javascript",
        "typescript",
        "go",
        "java",
        "kotlin",
        "scala",
        "ruby",
        "rust",
        "php",
        "csharp",
        "fsharp",
        "vb",
        "elixir",
    }
)
_ENTRY_POINTS = frozenset(
    {
        "main.py",
        "app.py",
        "manage.py",
        "wsgi.py",
        "asgi.py",
        "server.py",
        "__main__.py",
        "index.js",
        "server.js",
        "app.js",
        "main.js",
        "index.ts",
        "server.ts",
        "main.ts",
        "app.ts",
        "main.go",
        "main.rs",
        "index.php",
        "config.ru",
        "Program.cs",
        "Application.java",
        "Main.java",
        "Application.kt",
        "Main.kt",
        "mix.exs",
    }
)
# Front-end assets served as static files are not code that needs a manifest of its own.
# ERB templates of configuration tools (Chef, Puppet) are not Ruby apps either.
_STATIC_ASSETS = re.compile(r"(^|/)(static|public|assets|www|wwwroot|js/vendor)/|\.min\.js$|\.erb$")


def _code_by_language(ctx: CheckContext) -> dict[str, list[str]]:
    """Production source files per language that has a package manager."""
    found: dict[str, list[str]] = {}
    for path in d.paths(ctx):
        if d.is_non_production_path(path) or _STATIC_ASSETS.search(path):
            continue
        language = language_of(path)
        if language in _PACKAGED_LANGUAGES:
            found.setdefault(language, []).append(path)
    return found


def _code_needing_manifest(ctx: CheckContext) -> list[tuple[str, list[str]]]:
    """Languages with at least three production files or a clear entry point."""
    needing = []
    for language, files in sorted(_code_by_language(ctx).items()):
        entry_points = [f for f in files if posixpath.basename(f) in _ENTRY_POINTS]
        if len(files) >= 3 or entry_points:
            needing.append((language, entry_points + [f for f in files if f not in entry_points]))
    return needing


@check("deps.manifest")
def manifest(ctx: CheckContext) -> Outcome:
    manifests = d.manifests(ctx)
    if manifests:
        names = ", ".join(m["path"] for m in manifests[:3])
        more = f" and {len(manifests) - 3} more" if len(manifests) > 3 else ""
        return Outcome.passed(
            f"Dependencies are declared in {names}{more}.",
            [
                ctx.evidence(m["path"], None, f"{m.get('type', 'manifest')} manifest")
                for m in manifests[:5]
            ],
        )
    needing = _code_needing_manifest(ctx)
    if needing:
        language, files = needing[0]
        return Outcome.failed(
            f"{len(files)} {language} source files and no dependency manifest declares what "
            "they need.",
            [ctx.evidence(f, None, f"{language} source without a manifest") for f in files[:5]],
        )
    return Outcome.not_applicable("No application code that needs a dependency manifest.")


# --- deps.lockfile --------------------------------------------------------------------------

_LOCK_NAMES = {
    "python": "poetry.lock, uv.lock, Pipfile.lock or a fully pinned requirements.txt",
    "node": "package-lock.json, yarn.lock or pnpm-lock.yaml",
    "go": "go.sum",
    "ruby": "Gemfile.lock",
    "rust": "Cargo.lock",
    "php": "composer.lock",
    "elixir": "mix.lock",
    "dart": "pubspec.lock",
    "swift": "Package.resolved",
    "dotnet": "packages.lock.json",
    "java": "gradle.lockfile",
    "r": "renv.lock",
    "conda": "conda-lock.yml",
    "deno": "deno.lock",
}
# Ecosystems that resolve deterministically when no direct version floats: without a lock
# mechanism they warn (catalogue decision 7: transitive versions are still not recorded).
_PIN_IS_LOCK = frozenset({"java", "scala", "dotnet"})
# A SNAPSHOT spelled out floats; a sibling module referenced as ${project.version} is the
# build's own code, so the raw spec (not the resolved one) is what is judged.
_FLOATING = re.compile(r"\+|latest\.|\bLATEST\b|\bRELEASE\b|\*|^[\[(].*,|-SNAPSHOT$")
# Python manifests that a pinned requirements file beside them (pip-compile output) can lock.
_PYTHON_COVERED_TYPES = frozenset({"pyproject", "setup.cfg", "setup.py"})


def _dir(path: str) -> str:
    return posixpath.dirname(path)


def _is_ancestor_or_same(ancestor: str, directory: str) -> bool:
    return ancestor == "" or directory == ancestor or directory.startswith(ancestor + "/")


def _ancestor_lock_applies(ctx: CheckContext, manifest: dict, lock_path: str) -> bool:
    """An npm-style lock in a parent folder only covers packages of a declared workspace."""
    if manifest.get("ecosystem") != "node":
        return True
    workspace_files = {
        posixpath.join(_dir(lock_path), name)
        for name in ("pnpm-workspace.yaml", "lerna.json", "nx.json", "rush.json")
    }
    if workspace_files & set(d.paths(ctx)):
        return True
    parents = [
        m
        for m in d.manifests(ctx, production_only=False)
        if m.get("type") == "package.json" and _dir(m["path"]) == _dir(lock_path)
    ]
    return not parents or any((m.get("details") or {}).get("workspaces") for m in parents)


def _lock_for(ctx: CheckContext, manifest: dict) -> str | None:
    """A lock file of the manifest's ecosystem in its directory or an ancestor (workspaces)."""
    lock = _lock_entry(ctx, manifest)
    if lock is None:
        return None
    if lock.get("too_large"):
        return f"{lock['path']} (present; too large to read, its presence is what counts)"
    return lock["path"]


def _lock_entry(ctx: CheckContext, manifest: dict) -> dict | None:
    here = _dir(manifest["path"])
    candidates = [
        lock
        for lock in d.repo(ctx).get("lockfiles", [])
        if lock.get("ecosystem") == manifest.get("ecosystem")
        and _is_ancestor_or_same(_dir(lock["path"]), here)
        and (_dir(lock["path"]) == here or _ancestor_lock_applies(ctx, manifest, lock["path"]))
    ]
    # The nearest lock is the one that governs this manifest.
    return max(candidates, key=lambda lock: lock["path"].count("/"), default=None)


def _fully_pinned(manifest: dict) -> bool:
    deps = manifest.get("dependencies") or []
    return bool(deps) and all(dep.get("exact") for dep in deps)


def _floating(manifest: dict) -> list[dict]:
    """JVM/.NET dependencies whose version is a range, '+', '*' or LATEST."""
    return [
        dep
        for dep in manifest.get("dependencies") or []
        if _FLOATING.search(str(dep.get("spec") or "").strip())
    ]


def _pinned_python_sibling(ctx: CheckContext, manifest: dict) -> str | None:
    """A fully pinned requirements file in the same directory (pip-compile output, uv export)."""
    here = _dir(manifest["path"])
    for other in d.manifests(ctx):
        if (
            other is not manifest
            and other.get("ecosystem") == "python"
            and other.get("type") == "requirements"
            and _dir(other["path"]) == here
            and not other.get("error")
            and _fully_pinned(other)
        ):
            return other["path"]
    return None


def _pinned_by_includes(ctx: CheckContext, manifest: dict) -> bool:
    """Requirements whose loose lines are pinned by a -c/-r file that is fully pinned."""
    here = _dir(manifest["path"])
    by_path = {m["path"]: m for m in d.manifests(ctx, production_only=False)}
    pins: set[str] = set()
    for include in manifest.get("includes") or []:
        other = by_path.get(posixpath.normpath(posixpath.join(here, include)))
        if other and _fully_pinned(other):
            pins |= {str(dep.get("name", "")).lower() for dep in other["dependencies"]}
    loose = {
        str(dep.get("name", "")).lower()
        for dep in manifest.get("dependencies") or []
        if not dep.get("exact")
    }
    return bool(pins) and loose <= pins


_PINNED_ONLY = "pinned"


def _central_package_locks(ctx: CheckContext, manifest: dict) -> str | None:
    """NuGet central package management: Directory.Packages.props only lists versions; the
    projects below it restore with their own packages.lock.json."""
    if posixpath.basename(manifest["path"]) != "Directory.Packages.props":
        return None
    here = _dir(manifest["path"])
    locks = [
        lock["path"]
        for lock in d.repo(ctx).get("lockfiles", [])
        if lock.get("ecosystem") == "dotnet"
        and _is_ancestor_or_same(here, _dir(lock["path"]))
        and not d.is_non_production_path(lock["path"])
    ]
    return locks[0] if locks else None


# package.json scripts that build the release (Laravel Mix, Vite, webpack): the
# devDependencies they run are inputs of the production build.
_RELEASE_BUILD_SCRIPTS = ("build", "prod", "production")


def _lock_status(ctx: CheckContext, manifest: dict) -> tuple[bool | str, str]:
    """(locked, why): how this manifest's dependency versions are fixed, or why they are not.

    ``locked`` is ``_PINNED_ONLY`` for a JVM/.NET build whose direct versions are all fixed but
    that has no lock mechanism.
    """
    ecosystem = manifest.get("ecosystem", "")
    lock = _lock_for(ctx, manifest) or _central_package_locks(ctx, manifest)
    if lock:
        return True, f"locked by {lock}"
    if ecosystem in _PIN_IS_LOCK and not _floating(manifest):
        mechanism = (
            "lock file"
            if manifest.get("type") == "pom.xml"
            else _LOCK_NAMES.get(ecosystem, "lock file")
        )
        return _PINNED_ONLY, (
            f"every direct version is fixed, but no {mechanism} records transitive versions"
        )
    if manifest.get("type") == "requirements" and (
        _fully_pinned(manifest) or _pinned_by_includes(ctx, manifest)
    ):
        return True, "every requirement is pinned with =="
    if ecosystem == "python" and (
        manifest.get("type") in _PYTHON_COVERED_TYPES or manifest["path"].endswith(".in")
    ):
        sibling = _pinned_python_sibling(ctx, manifest)
        if sibling:
            return True, f"pinned by {sibling}"
    if ecosystem == "go":
        return False, "go.mod declares requirements and no go.sum exists beside it"
    count = len(manifest.get("dependencies") or [])
    name = posixpath.basename(manifest["path"])
    if ecosystem in _PIN_IS_LOCK:
        floating = _floating(manifest)
        first = f"{floating[0].get('name')} {floating[0].get('spec')}"
        return False, f"{name}: {len(floating)} of {count} versions float, e.g. {first}"
    if manifest.get("type") == "requirements":
        loose = sum(1 for dep in manifest["dependencies"] if not dep.get("exact"))
        return False, f"{name}: {loose} of {count} requirements are not pinned with =="
    lock_names = _LOCK_NAMES.get(ecosystem, "lock file")
    return False, f"{name} declares {count} dependencies and no {lock_names} exists"


def _role(manifest: dict) -> str:
    """'dev' for dev-only manifests, including a package.json with only devDependencies."""
    deps = manifest.get("dependencies") or []
    if manifest.get("role") == "dev":
        return "dev"
    if deps and all(dep.get("dev") for dep in deps):
        scripts = (manifest.get("details") or {}).get("scripts")
        builds = isinstance(scripts, dict) and any(k in scripts for k in _RELEASE_BUILD_SCRIPTS)
        return "main" if builds else "dev"
    return "main"


def _loose_line(manifest: dict) -> int | None:
    for dep in manifest.get("dependencies") or []:
        if not dep.get("exact") and dep.get("line"):
            return dep["line"]
    return None


@check("deps.lockfile")
def lockfile(ctx: CheckContext) -> Outcome:
    manifests = d.manifests(ctx)
    broken = [m for m in manifests if m.get("error")]
    judged = [m for m in manifests if not m.get("error") and m.get("dependencies")]
    unlocked: list[tuple[dict, str]] = []
    locked: list[tuple[dict, str]] = []
    pinned_only: list[tuple[dict, str]] = []
    for m in judged:
        ok, why = _lock_status(ctx, m)
        if ok == _PINNED_ONLY:
            pinned_only.append((m, why))
        else:
            (locked if ok else unlocked).append((m, why))

    def evidence_of(items: list[tuple[dict, str]]) -> list[Evidence]:
        return [ctx.evidence(m["path"], _loose_line(m), why) for m, why in items[:5]]

    main_unlocked = [(m, why) for m, why in unlocked if _role(m) == "main"]
    root_main_locked = any(_dir(m["path"]) == "" and _role(m) == "main" for m, _ in locked)
    root_main_unlocked = any(_dir(m["path"]) == "" for m, _ in main_unlocked)
    if main_unlocked and (root_main_unlocked or not root_main_locked):
        return Outcome.failed(
            f"{len(main_unlocked)} of {len(judged)} manifests with dependencies are not locked.",
            evidence_of(main_unlocked),
        )
    if broken:
        return Outcome.unknown(
            f"{len(broken)} manifest(s) could not be parsed.",
            [ctx.evidence(m["path"], None, m["error"]) for m in broken[:5]],
        )
    if unlocked:
        return Outcome.warned(
            f"The main manifests are locked; {len(unlocked)} other manifest(s) are not.",
            evidence_of(unlocked),
        )
    if pinned_only:
        return Outcome.warned(
            f"{len(pinned_only)} build file(s) pin every direct version but record no "
            "transitive versions (no lock file).",
            evidence_of(pinned_only),
        )
    if not judged:
        return Outcome.not_applicable("No manifest declares any dependency.")
    return Outcome.passed(
        f"All {len(judged)} manifests with dependencies are locked.", evidence_of(locked)
    )


# --- deps.base-image-pinned -----------------------------------------------------------------

_VAR = re.compile(r"\$\{(\w+)(?::?[-+]([^}]*))?\}|\$(\w+)")


def _resolve_args(text: str, args: dict[str, str | None]) -> str | None:
    """Substitute ARG defaults into a FROM reference; None when a variable has no default."""
    for _ in range(5):  # ARG defaults may refer to other ARGs
        unresolved = False

        def substitute(match: re.Match[str]) -> str:
            nonlocal unresolved
            name = match.group(1) or match.group(3)
            value = args.get(name)
            if value is None:
                value = match.group(2) if match.group(1) and match.group(2) else None
            if value is None:
                unresolved = True
                return match.group(0)
            return value

        text = _VAR.sub(substitute, text)
        if unresolved:
            return None
        if "$" not in text:
            return text
    return None


def _from_reference(stage: dict) -> str:
    """The image reference of a FROM line, without --platform and AS name."""
    source = stage.get("from") or {}
    raw = str(source.get("raw") or "")
    if not raw:
        image = source.get("image") or ""
        tag = f":{source['tag']}" if source.get("tag") else ""
        digest = f"@{source['digest']}" if source.get("digest") else ""
        return f"{image}{tag}{digest}"
    tokens = [t for t in raw.split() if not t.startswith("--")]
    if tokens and tokens[0].upper() == "FROM":
        tokens = tokens[1:]
    return tokens[0] if tokens else ""


def _from_problem(dockerfile: dict, stage: dict, earlier: set[str]) -> str | None:
    """Why this FROM is not pinned ('' when unresolved at build time), or None when it is."""
    source = stage.get("from") or {}
    if source.get("stage_ref") or source.get("scratch"):
        return None
    reference = _from_reference(stage)
    if reference.lower() in earlier or reference.lower() == "scratch":
        return None
    args = {k: v for k, v in (dockerfile.get("args") or {}).items()}
    resolved = _resolve_args(reference, args) if "$" in reference else reference
    if resolved is None:
        return ""
    if resolved.lower() in earlier:
        return None
    _, tag, digest = d.split_image_ref(resolved)
    if digest:
        return None
    if tag is None:
        return f"{resolved} has no tag, so it means latest"
    if tag == "latest":
        return f"{resolved} uses the moving latest tag"
    if tag.lower().endswith("-latest"):
        return f"{resolved} follows a moving `*-latest` line"
    return None


@check("deps.base-image-pinned")
def base_image_pinned(ctx: CheckContext) -> Outcome:
    files = d.production_dockerfiles(ctx)
    if not files:
        return Outcome.not_applicable("No Dockerfile builds this service's image.")
    bad: list[Evidence] = []
    unresolved: list[Evidence] = []
    pinned: list[Evidence] = []
    checked = 0
    for dockerfile in files:
        earlier: set[str] = set()
        for stage in dockerfile.get("stages") or []:
            checked += 1
            problem = _from_problem(dockerfile, stage, earlier)
            line = stage.get("line")
            excerpt = f"FROM {(stage.get('from') or {}).get('raw') or _from_reference(stage)}"
            if problem:
                bad.append(ctx.evidence(dockerfile["path"], line, f"{excerpt} ({problem})"))
            elif problem == "":
                unresolved.append(ctx.evidence(dockerfile["path"], line, excerpt))
            else:
                pinned.append(ctx.evidence(dockerfile["path"], line, excerpt))
            if stage.get("name"):
                earlier.add(str(stage["name"]).lower())
    if bad:
        return Outcome.failed(
            f"{len(bad)} of {checked} FROM lines use `latest` or no tag.", bad[:5]
        )
    errors = [f for f in files if f.get("error") and not f.get("stages")]
    if errors and not checked:
        return Outcome.unknown(
            "The Dockerfiles could not be parsed.",
            [ctx.evidence(f["path"], None, f["error"]) for f in errors[:5]],
        )
    note = (
        f"; {len(unresolved)} take their image from a build argument without a default"
        if unresolved
        else ""
    )
    return Outcome.passed(
        f"{checked} FROM lines checked; every one names a tag or digest{note}.",
        (unresolved + pinned)[:5],
    )


# --- deps.no-remote-scripts -----------------------------------------------------------------

_SHELLS = r"(?:sh|bash|zsh|dash|ash|ksh|pwsh)"
_INTERPRETERS = r"(?:python[23]?(?:\.\d+)?|perl|ruby|node|php)"
_PIPE_TARGET = r"\|\s*(?:sudo\s+(?:-\S+\s+)*)?(?:env\s+)?(?:/usr)?(?:/local)?(?:/bin/)?"
_PIPE_TO_SHELL = re.compile(
    r"\b(?:curl|wget|iwr|Invoke-WebRequest)\b[^|;&\n]*"
    + _PIPE_TARGET
    # `| python3 -c "import json..."` parses the download with inline code: not a remote script.
    + rf"(?:{_SHELLS}(?!\s+-c\b)|{_INTERPRETERS}(?!\s+-[a-zA-Z]*[cenp]\b)|iex\b|Invoke-Expression)"
    + r"(?=\s|$|;|\))",
    re.IGNORECASE,
)
_SHELL_OF_DOWNLOAD = re.compile(
    rf"\b(?:{_SHELLS}|{_INTERPRETERS})"
    + r"\s+(?:-\w+\s+)*(?:-c\s+)?[\"']?(?:\$\(|<\(|`)\s*(?:curl|wget)\b",
    re.IGNORECASE,
)


def runs_remote_script(command: str) -> bool:
    """A download piped or substituted straight into a shell or interpreter."""
    return bool(_PIPE_TO_SHELL.search(command) or _SHELL_OF_DOWNLOAD.search(command))


def _instruction_text(instruction: dict) -> str:
    if instruction.get("exec_form") and instruction.get("argv"):
        return " ".join(str(a) for a in instruction["argv"])
    return str(instruction.get("value") or "")


def _scripts_run_by(dockerfile: dict) -> set[str]:
    """Base names of scripts a Dockerfile's RUN lines execute."""
    names: set[str] = set()
    for instruction in dockerfile.get("instructions") or []:
        if instruction.get("instruction") == "RUN":
            # A token starts where a run of path characters starts: linear on "RUN echo AAAA...".
            text = _instruction_text(instruction)
            for token in re.findall(r"(?<![\w./-])[\w./-]+\.(?:sh|bash)\b", text):
                names.add(posixpath.basename(token))
    return names


def _script_lines(ctx: CheckContext, names: set[str]) -> list[tuple[str, int, str]]:
    """(path, line, text) of the collected lines of the named shell scripts."""
    found = []
    for script in d.repo(ctx).get("scripts", []):
        if posixpath.basename(script["path"]) in names and not d.is_non_production_path(
            script["path"]
        ):
            found += [(script["path"], ln["line"], ln["text"]) for ln in script.get("lines", [])]
    return found


def _run_count(dockerfile: dict) -> int:
    return sum(1 for i in dockerfile.get("instructions") or [] if i.get("instruction") == "RUN")


@check("deps.no-remote-scripts")
def no_remote_scripts(ctx: CheckContext) -> Outcome:
    files = d.production_dockerfiles(ctx)
    if not files:
        return Outcome.not_applicable("No Dockerfile builds this service's image.")
    bad: list[Evidence] = []
    runs = 0
    for dockerfile in files:
        for instruction in dockerfile.get("instructions") or []:
            if instruction.get("instruction") != "RUN":
                continue
            runs += 1
            text = _instruction_text(instruction)
            if runs_remote_script(text):
                bad.append(ctx.evidence(dockerfile["path"], instruction.get("line"), f"RUN {text}"))
        seen = set()
        for path, line, text in _script_lines(ctx, _scripts_run_by(dockerfile)):
            if (path, line) not in seen and runs_remote_script(text):
                seen.add((path, line))
                bad.append(ctx.evidence(path, line, text))
    if bad:
        return Outcome.failed(
            f"{len(bad)} build step(s) pipe a downloaded script into a shell.", bad[:5]
        )
    return Outcome.passed(
        f"{runs} RUN instructions in {len(files)} Dockerfile(s) checked; none pipes a download "
        "into a shell.",
        [
            ctx.evidence(f["path"], None, f"{_run_count(f)} RUN instructions, none runs a download")
            for f in files[:5]
        ],
    )


# --- deps.runtime-supported -----------------------------------------------------------------

# AWS Lambda runtime deprecation dates (the day AWS deprecates the runtime: no more patches).
# Source: docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html ("Supported runtimes" and
# "Deprecated runtimes"), dates as published in late 2025. Runtimes not listed (newer ones) are
# treated as supported. Update this table when AWS moves a date.
LAMBDA_RUNTIME_DEPRECATION: dict[str, date] = {
    "nodejs": date(2016, 10, 31),
    "nodejs4.3": date(2020, 3, 5),
    "nodejs4.3-edge": date(2020, 3, 5),
    "nodejs6.10": date(2019, 8, 12),
    "nodejs8.10": date(2020, 3, 6),
    "nodejs10.x": date(2021, 7, 30),
    "nodejs12.x": date(2023, 3, 31),
    "nodejs14.x": date(2023, 12, 4),
    "nodejs16.x": date(2024, 6, 12),
    "nodejs18.x": date(2025, 9, 1),
    "nodejs20.x": date(2026, 4, 30),
    "nodejs22.x": date(2027, 4, 30),
    "nodejs24.x": date(2028, 4, 30),
    "python2.7": date(2021, 7, 15),
    "python3.6": date(2022, 7, 18),
    "python3.7": date(2023, 12, 4),
    "python3.8": date(2024, 10, 14),
    "python3.9": date(2025, 12, 15),
    "python3.10": date(2026, 6, 30),
    "python3.11": date(2026, 6, 30),
    "python3.12": date(2028, 10, 31),
    "python3.13": date(2029, 6, 30),
    "python3.14": date(2029, 6, 30),
    "java8": date(2024, 1, 8),
    "java8.al2": date(2026, 6, 30),
    "java11": date(2026, 6, 30),
    "java17": date(2026, 6, 30),
    "java21": date(2029, 6, 30),
    "java25": date(2029, 6, 30),
    "dotnetcore1.0": date(2019, 7, 27),
    "dotnetcore2.0": date(2019, 5, 30),
    "dotnetcore2.1": date(2022, 1, 5),
    "dotnetcore3.1": date(2023, 4, 3),
    "dotnet5.0": date(2022, 5, 10),
    "dotnet6": date(2024, 11, 12),
    "dotnet7": date(2024, 5, 14),
    "dotnet8": date(2026, 11, 10),
    "dotnet10": date(2028, 11, 14),
    "ruby2.5": date(2021, 7, 30),
    "ruby2.7": date(2023, 12, 7),
    "ruby3.2": date(2026, 3, 31),
    "ruby3.3": date(2027, 3, 31),
    "ruby3.4": date(2028, 3, 31),
    "go1.x": date(2024, 1, 8),
    "provided": date(2024, 1, 8),
    "provided.al2": date(2026, 6, 30),
    "provided.al2023": date(2029, 6, 30),
}
WARN_WITHIN = timedelta(days=180)


def _is_image_function(fn: dict) -> bool:
    raw = fn["raw"]
    if fn["tool"] in ("sam", "cloudformation"):
        globals_fn = (raw["template"].get("Globals") or {}).get("Function") or {}
        props = raw["properties"]
        package = props.get("PackageType") or globals_fn.get("PackageType")
        code = props.get("Code") if isinstance(props.get("Code"), dict) else {}
        return package == "Image" or bool(props.get("ImageUri") or code.get("ImageUri"))
    if fn["tool"] == "serverless":
        return bool(raw["function"].get("image"))
    return (raw.get("attrs") or {}).get("package_type") == "Image"


def _resolve_runtime(fn: dict) -> str | None:
    """The runtime as a plain string: literal, or a template parameter's default."""
    runtime = fn.get("runtime")
    if isinstance(runtime, dict) and "Ref" in runtime and fn["tool"] in ("sam", "cloudformation"):
        parameter = (fn["raw"]["template"].get("Parameters") or {}).get(runtime["Ref"]) or {}
        runtime = parameter.get("Default") if isinstance(parameter, dict) else None
    if not isinstance(runtime, str) or re.search(r"[${]", runtime):
        return None
    return runtime.strip().lower()


def _aws_runtime_supported(ctx: CheckContext) -> Outcome:
    """Runtimes of the live functions, and of the versions their aliases point at."""
    functions = live_aws.functions(ctx)
    if not functions:
        return live_aws.not_found("Lambda function")
    deprecated, soon, fine = [], [], []
    for fn in functions:
        if fn.get("package_type") == "Image":
            fine.append(live_aws.evidence(fn, "/package_type", f"{fn['name']}: container image"))
            continue
        versions = {str(v.get("version")): v for v in fn.get("versions") or []}
        aliased = {str(a.get("version")) for a in fn.get("aliases") or []}
        runtimes = [("/runtime", fn.get("runtime"), "$LATEST")]
        runtimes += [
            (f"/versions/{i}/runtime", versions[v].get("runtime"), f"version {v}")
            for i, v in enumerate(versions)
            if v in aliased
        ]
        worst = None
        for pointer, runtime, label in runtimes:
            runtime = str(runtime or "").strip().lower()
            ends = LAMBDA_RUNTIME_DEPRECATION.get(runtime)
            excerpt = f"{fn['name']} ({label}): runtime {runtime}"
            if ends and ends <= ctx.today:
                worst = (
                    "deprecated",
                    live_aws.evidence(fn, pointer, f"{excerpt} (deprecated {ends})"),
                )
                break
            if ends and ends - ctx.today <= WARN_WITHIN and worst is None:
                worst = (
                    "soon",
                    live_aws.evidence(fn, pointer, f"{excerpt} (deprecated on {ends})"),
                )
        if worst is None:
            fine.append(
                live_aws.evidence(fn, "/runtime", f"{fn['name']}: runtime {fn.get('runtime')}")
            )
        else:
            (deprecated if worst[0] == "deprecated" else soon).append(worst[1])
    if deprecated:
        return Outcome.failed(
            f"{len(deprecated)} of {len(functions)} live Lambda functions run a runtime AWS has "
            "deprecated.",
            (deprecated + soon)[:5],
        )
    if soon:
        return Outcome.warned(
            f"{len(soon)} live Lambda function(s) run a runtime AWS deprecates within 180 days.",
            soon[:5],
        )
    return Outcome.passed(f"{len(fine)} live Lambda function(s) run supported runtimes.", fine[:5])


@check("deps.runtime-supported")
@live_aws.with_aws(_aws_runtime_supported, policy="worst")
def runtime_supported(ctx: CheckContext) -> Outcome:
    functions = d.lambda_functions(ctx)
    if not functions:
        return Outcome.unknown(
            "No Lambda function is declared in the repository; live AWS data "
            "is needed to see the runtimes."
        )
    deprecated, soon, fine, unresolved = [], [], [], []
    for fn in functions:
        if _is_image_function(fn):
            fine.append(ctx.evidence(fn["path"], fn["line"], f"{fn['name']}: container image"))
            continue
        runtime = _resolve_runtime(fn)
        if runtime is None:
            unresolved.append(
                ctx.evidence(fn["path"], fn["line"], f"{fn['name']}: runtime {fn.get('runtime')!r}")
            )
            continue
        ends = LAMBDA_RUNTIME_DEPRECATION.get(runtime)
        excerpt = f"{fn['name']}: runtime {runtime}"
        if ends and ends <= ctx.today:
            deprecated.append(
                ctx.evidence(fn["path"], fn["line"], f"{excerpt} (deprecated {ends.isoformat()})")
            )
        elif ends and ends - ctx.today <= WARN_WITHIN:
            soon.append(
                ctx.evidence(
                    fn["path"], fn["line"], f"{excerpt} (deprecated on {ends.isoformat()})"
                )
            )
        else:
            fine.append(ctx.evidence(fn["path"], fn["line"], excerpt))
    if deprecated:
        return Outcome.failed(
            f"{len(deprecated)} of {len(functions)} Lambda functions use a runtime AWS has "
            "deprecated.",
            (deprecated + soon)[:5],
        )
    if soon:
        return Outcome.warned(
            f"{len(soon)} Lambda function(s) use a runtime AWS deprecates within 180 days.",
            soon[:5],
        )
    if not fine:
        return Outcome.unknown(
            "The runtime of the Lambda functions could not be resolved.", unresolved[:5]
        )
    note = f"; {len(unresolved)} could not be resolved" if unresolved else ""
    return Outcome.passed(
        f"{len(fine)} Lambda function(s) use supported runtimes{note}.", (fine + unresolved)[:5]
    )

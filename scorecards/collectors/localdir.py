"""Collect repository facts (docs/repo-facts.md) from a directory or from (path, bytes) pairs.

``collect_directory`` lists a tree with the walker and reads each file once;
``collect_files`` takes (path, bytes) pairs from anywhere and ``collect_entries`` a listing plus
a callable that streams the contents (the GitHub tarball collector reads an archive twice: names
first, then bodies, so only one file body is in memory at a time). Both apply the walker's
exclusions and reject unsafe names (absolute, ``..``, NUL). Everything feeds a ``FactsBuilder``
that dispatches every file to the parsers of ``repo_files``; a parser that raises becomes an
``errors`` entry, never a failed scan.
"""

from __future__ import annotations

import importlib
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from scorecards.collectors.repo_files import walk
from scorecards.collectors.repo_files.confined import ReadRefused, read_capped, real_root
from scorecards.collectors.repo_files.dockerfile import is_dockerfile, parse_dockerfile
from scorecards.collectors.repo_files.documents import (
    chart_dirs_of,
    parse_document,
    parse_yaml,
)
from scorecards.collectors.repo_files.redaction import redact_strings

log = logging.getLogger(__name__)

SCHEMA = 1
_SHELL_EXTENSIONS = (".sh", ".bash", ".zsh", ".ksh")
_SCRIPT_NAMES = frozenset(
    {
        "Jenkinsfile",
        "Makefile",
        "GNUmakefile",
        "makefile",
        "Justfile",
        "justfile",
        "Taskfile.yml",
        "Earthfile",
    }
)
_CODEOWNERS_PATHS = frozenset(
    {"CODEOWNERS", ".github/CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS"}
)
_MANIFEST_FORMATS = {
    "pyproject": "toml",
    "Cargo.toml": "toml",
    "pipfile": "toml",
    "package.json": "json",
    "composer.json": "json",
    "pom.xml": "xml",
    "csproj": "xml",
    "setup.cfg": "ini",
}


def _optional(module: str, name: str) -> Callable[..., Any] | None:
    """A parser of another module, or None while that module is not written yet."""
    value = _optional_value(module, name)
    return value if callable(value) else None


# Each parser is imported when the first file needs it: an empty or small repository does not
# pay for HCL or secret-detection libraries it never uses (score_repo's start-up time).
PARSERS = {
    "parse_manifest": ("manifests", "parse_manifest"),
    "lockfile_info": ("manifests", "lockfile_info"),
    "parse_terraform": ("terraform", "parse_terraform"),
    "parse_procfile": ("procfile", "parse_procfile"),
    "parse_env_file": ("envfiles", "parse_env_file"),
    "parse_codeowners": ("codeowners", "parse_codeowners"),
    "parse_script": ("scripts", "parse_script"),
    "scan_source": ("source_scan", "scan_source"),
    "find_secrets": ("secrets", "find_secrets"),
    "language_of": ("signals", "language_of"),
}


class _LazyParsers:
    """Parser functions by name, each looked up on first use (None when unavailable)."""

    def __init__(self, table: dict[str, tuple[str, str]]) -> None:
        self._table = table
        self._loaded: dict[str, Callable[..., Any] | None] = {}

    def get(self, name: str) -> Callable[..., Any] | None:
        if name not in self._loaded:
            where = self._table.get(name)
            self._loaded[name] = _optional(*where) if where else None
        return self._loaded[name]

    __getitem__ = get

    def __setitem__(self, name: str, function: Callable[..., Any] | None) -> None:
        self._loaded[name] = function


class FactsBuilder:
    """Accumulates the facts of one repository, one file at a time."""

    def __init__(
        self,
        root_name: str,
        source: str,
        all_paths: list[str],
        max_file_bytes: int = walk.MAX_FILE_BYTES,
    ) -> None:
        self.max_file_bytes = max_file_bytes
        self.facts: dict[str, Any] = {
            "schema": SCHEMA,
            "source": source,
            "root": root_name,
            "commit": None,
            "vcs": {"git": False, "markers": []},
            "paths": [],
            "excluded_globs": [],
            "skipped": walk.Skipped().as_dict(),
            "errors": [],
            "twelve_factor": None,
            "dockerfiles": [],
            "documents": [],
            "terraform": [],
            "procfiles": [],
            "env_files": [],
            "codeowners": [],
            "scripts": [],
            "manifests": [],
            "lockfiles": [],
            "too_large": [],
            "languages": {},
            "signals": [],
        }
        self.chart_dirs = chart_dirs_of(all_paths)
        self.languages: Counter[str] = Counter()
        self.parsers = _LazyParsers(PARSERS)
        programming = _optional_value("signals", "PROGRAMMING_LANGUAGES")
        self.counted_languages = frozenset(programming or ()) | {"shell"}

    # -- errors ---------------------------------------------------------------------------
    def error(self, path: str, fmt: str, message: str, line: int | None = None) -> None:
        text = " ".join(str(message).split())[:300]
        self.facts["errors"].append({"path": path, "line": line, "format": fmt, "error": text})

    def _call(self, name: str, path: str, fmt: str, *args: Any) -> Any:
        """Run an optional parser; its exception becomes an ``errors`` entry."""
        function = self.parsers.get(name)
        if function is None:
            return None
        try:
            return function(path, *args)
        except Exception as exc:  # noqa: BLE001 - one broken file must not lose the scan
            log.debug("parser %s failed on %s", name, path, exc_info=True)
            self.error(path, fmt, f"{name} failed: {type(exc).__name__}: {exc}")
            return None

    # -- one file -------------------------------------------------------------------------
    def add_too_large(self, path: str) -> None:
        """A file over the size cap: never read, but present (its name alone is a fact)."""
        self.facts["too_large"].append(path)
        lockfile = self._call("lockfile_info", path, "text")
        if lockfile:
            self.facts["lockfiles"].append({**lockfile, "too_large": True})
            return
        # The parser only names the ecosystem here: an empty body stands for the unread one.
        manifest = self._call("parse_manifest", path, "text", "")
        if manifest:
            manifest = {k: v for k, v in manifest.items() if k not in ("error", "error_line")}
            self.facts["manifests"].append({**manifest, "dependencies": [], "too_large": True})

    def add_file(self, path: str, data: bytes) -> None:
        if len(data) > self.max_file_bytes:
            self.facts["skipped"]["too_large"] += 1
            self.add_too_large(path)
            return
        if walk.is_binary(data):
            self.facts["skipped"]["binary"] += 1
            return
        text = data.decode("utf-8", "replace").removeprefix("\ufeff")
        self.facts["paths"].append(path)
        name = path.rsplit("/", 1)[-1]
        language = self._call("language_of", path, "text") if self.parsers["language_of"] else None
        if language in self.counted_languages:
            self.languages[language] += 1
        if path in walk.CONFIG_NAMES:
            self._add_twelve_factor(path, text)
        if is_dockerfile(path):
            self._add_dockerfile(path, text)
        self._add_document(path, text)
        is_lockfile = self._add_manifest(path, text)
        self._add_small_files(path, name, text)
        if language:
            signals = self._call("scan_source", path, "text", text, language)
            self.facts["signals"].extend(signals or [])
        if not is_lockfile:
            self.facts["signals"].extend(self._call("find_secrets", path, "text", text) or [])

    def _add_twelve_factor(self, path: str, text: str) -> None:
        parsed = parse_yaml(text)
        if parsed.error:
            self.error(path, "yaml", parsed.error.message, parsed.error.line)
        data = parsed.docs[0]["data"] if parsed.docs else {}
        self.facts["twelve_factor"] = {"path": path, "data": data if data is not None else {}}

    def _add_dockerfile(self, path: str, text: str) -> None:
        try:
            dockerfile = parse_dockerfile(path, text)
        except Exception as exc:  # noqa: BLE001 - a parser bug must not lose the scan
            dockerfile = {
                "path": path,
                "role": "prod",
                "error": f"parser failed: {exc}",
                "args": {},
                "stages": [],
                "instructions": [],
            }
        if dockerfile["error"]:
            self.error(path, "dockerfile", dockerfile["error"])
        self.facts["dockerfiles"].append(dockerfile)

    def _add_document(self, path: str, text: str) -> None:
        try:
            document, problem = parse_document(path, text, self.chart_dirs)
        except Exception as exc:  # noqa: BLE001 - a parser bug must not lose the scan
            self.error(path, "text", f"document parser failed: {type(exc).__name__}: {exc}")
            return
        if problem is not None:
            fmt = document["format"] if document else _format_guess(path)
            self.error(path, fmt, problem.message, problem.line)
        if document is not None:
            self.facts["documents"].append(document)

    def _add_manifest(self, path: str, text: str) -> bool:
        """Manifests and lockfiles; True when ``path`` is a lockfile."""
        lockfile = self._call("lockfile_info", path, "text")
        if lockfile:
            self.facts["lockfiles"].append(lockfile)
            return True
        manifest = self._call("parse_manifest", path, "text", text)
        if manifest:
            if manifest.get("error"):
                fmt = _MANIFEST_FORMATS.get(str(manifest.get("type")), "text")
                self.error(path, fmt, manifest["error"], manifest.get("error_line"))
            self.facts["manifests"].append(manifest)
        return False

    def _add_small_files(self, path: str, name: str, text: str) -> None:
        """Terraform, Procfiles, env files, CODEOWNERS and scripts."""
        if name.endswith((".tf", ".tf.json")):
            self._append("terraform", self._call("parse_terraform", path, "hcl", text), "hcl")
        if name == "Procfile" or name.startswith("Procfile."):
            self._append("procfiles", self._call("parse_procfile", path, "text", text), "text")
        if name == ".env" or name.startswith(".env.") or name.endswith(".env"):
            self._append("env_files", self._call("parse_env_file", path, "text", text), "text")
        if path in _CODEOWNERS_PATHS:
            self._append("codeowners", self._call("parse_codeowners", path, "text", text), "text")
        if (
            name.endswith(_SHELL_EXTENSIONS)
            or name in _SCRIPT_NAMES
            or (text.startswith("#!") and "sh" in text.split("\n", 1)[0])
        ):
            self._append("scripts", self._call("parse_script", path, "text", text), "text")

    def _append(self, key: str, item: dict | None, fmt: str) -> None:
        if not item:
            return
        if item.get("error"):
            self.error(item.get("path", ""), fmt, item["error"], item.get("error_line"))
        self.facts[key].append(item)

    def finish(self) -> dict:
        self.facts["paths"].sort()
        self.facts["too_large"].sort()
        self.facts["languages"] = dict(sorted(self.languages.items()))
        for key in (
            "dockerfiles",
            "documents",
            "terraform",
            "procfiles",
            "env_files",
            "codeowners",
            "scripts",
            "manifests",
            "lockfiles",
        ):
            self.facts[key].sort(key=lambda item: item.get("path", ""))
        # Each parser redacts what it understands; this last pass catches what none of them
        # does (a password in a URL or a --token flag in any value) before facts are kept.
        self.facts = storable(redact_strings(self.facts))
        return self.facts


# NUL and unpaired surrogates (a file name that is not UTF-8, a "\0" escape in YAML) are valid
# in Python strings but refused by PostgreSQL's jsonb: one such file would fail the whole scan.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(value: Any) -> Any:
    """``value`` with every NUL and unpaired surrogate in its strings (keys included) made
    U+FFFD, so the facts can be stored whatever bytes the repository holds."""
    if isinstance(value, str):
        if not _UNSTORABLE.search(value):
            return value
        return (
            value.replace("\x00", "\ufffd")
            .encode("utf-16", "surrogatepass")
            .decode("utf-16", "replace")
        )
    if isinstance(value, dict):
        return {storable(key): storable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [storable(item) for item in value]
    return value


def _optional_value(module: str, name: str) -> Any:
    """An attribute of a sibling parser module; None when it is missing or fails to import."""
    try:
        return getattr(importlib.import_module(f"scorecards.collectors.repo_files.{module}"), name)
    except (ImportError, AttributeError):
        return None
    except Exception:  # noqa: BLE001 - a broken parser module must not stop every scan
        log.exception("repository parser module %s failed to import", module)
        return None


def _format_guess(path: str) -> str:
    lower = path.lower()
    for suffix, fmt in ((".json", "json"), (".toml", "toml"), (".properties", "ini")):
        if lower.endswith(suffix):
            return fmt
    return "yaml"


def _read_config(root: Path) -> tuple[str | None, dict | None]:
    """The ``.twelve-factor.yml`` of ``root``: never through a link out of the tree, never
    over the size cap (a missing, refused or oversized one reads as no configuration)."""
    root_real = real_root(root)
    for name in walk.CONFIG_NAMES:
        try:
            body = read_capped(root / name, root_real, walk.MAX_FILE_BYTES)
        except OSError:
            continue
        parsed = parse_yaml(body.decode("utf-8", "replace"))
        data = parsed.docs[0]["data"] if parsed.docs else None
        return name, data if isinstance(data, dict) else None
    return None, None


def collect_directory(path: str | Path, source: str = "local") -> dict:
    """Repository facts for a directory tree (a git checkout or a plain folder)."""
    root = Path(path).resolve()
    root_real = real_root(root)
    _, config = _read_config(root)
    listing = walk.list_tree(root, walk.excludes_from_config(config))
    builder = FactsBuilder(root.name, source, listing.paths)
    for folder, problem in listing.problems:
        builder.error(folder, "text", problem)
    for rel in listing.paths:
        try:
            data = read_capped(root / rel, root_real, builder.max_file_bytes)
        except ReadRefused as refused:
            _count_refused(builder, rel, refused.reason)
            continue
        except OSError as exc:
            builder.error(rel, "text", f"unreadable: {exc.strerror or exc}")
            continue
        builder.add_file(rel, data)
    for rel in listing.too_large:
        builder.add_too_large(rel)
    facts = builder.finish()
    skipped = listing.skipped.as_dict()
    facts["skipped"] = {k: skipped[k] + facts["skipped"][k] for k in skipped}
    facts["excluded_globs"] = listing.excluded_globs
    facts["vcs"] = walk.vcs_facts(root, listing.git_listed)
    facts["commit"] = walk.read_commit(root)
    return facts


def _count_refused(builder: FactsBuilder, rel: str, reason: str) -> None:
    """A file that changed since it was listed: count it like the walker would have."""
    if reason == "too large":
        builder.facts["skipped"]["too_large"] += 1
    elif reason == "outside":
        builder.facts["skipped"]["link"] += 1
    else:
        builder.error(rel, "text", f"unreadable: {reason}")


_DRIVE = re.compile(r"^[A-Za-z]:")
# Linux's PATH_MAX: no file system holds a longer path, so a longer archive name is crafted.
MAX_NAME_LENGTH = 4096


def check_member_path(name: str) -> tuple[str | None, str | None]:
    """Judge a file name taken from an archive or any other untrusted listing.

    Returns ``(relative POSIX path, None)`` when the name is safe, ``(None, reason)`` when it
    must be rejected: absolute paths (``/etc/x``, ``C:/x``, ``\\x``), any ``..`` component
    (also with backslashes), NUL bytes. ``.`` and empty components are dropped.
    """
    if "\0" in name:
        return None, "NUL byte in name"
    if len(name) > MAX_NAME_LENGTH:
        return None, "name too long"
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        return None, "absolute path"
    if ".." in re.split(r"[/\\]", name):
        return None, "path traversal (..)"
    parts = [part for part in name.split("/") if part not in ("", ".")]
    if not parts:
        return None, "empty name"
    return "/".join(parts), None


def shown_name(name: str) -> str:
    """A rejected name made printable and short enough for an ``errors`` entry."""
    return name.encode("unicode_escape").decode("ascii")[:200]


def collect_files(
    files: Iterable[tuple[str, bytes]],
    root_name: str,
    commit: str | None = None,
    source: str = "github",
    vcs: dict | None = None,
) -> dict:
    """Repository facts from (relative POSIX path, content) pairs.

    Applies the same exclusions as the walker (pruned folders, ``.twelve-factor.yml``
    ``exclude`` globs, size and binary limits); unsafe names (absolute, ``..``) are left out and
    reported in ``errors``. Every body is held in memory: for big inputs use
    ``collect_entries``.
    """
    pairs: dict[str, bytes] = {}
    rejected: list[tuple[str, str]] = []
    for name, data in files:
        rel, problem = check_member_path(name)
        if rel is None:
            rejected.append((name, problem or "rejected"))
            continue
        pairs[rel] = data
    config = next((pairs[name] for name in walk.CONFIG_NAMES if name in pairs), None)

    def contents(kept: frozenset[str]) -> Iterable[tuple[str, bytes]]:
        return ((rel, pairs[rel]) for rel in sorted(pairs) if rel in kept)

    return collect_entries(
        list(pairs),
        contents,
        root_name,
        commit=commit,
        source=source,
        config=config,
        vcs=vcs,
        rejected=rejected,
    )


def collect_entries(
    paths: Iterable[str],
    contents: Callable[[frozenset[str]], Iterable[tuple[str, bytes]]],
    root_name: str,
    *,
    commit: str | None = None,
    source: str = "github",
    config: bytes | None = None,
    vcs: dict | None = None,
    oversized: Iterable[str] = (),
    links: Iterable[str] = (),
    rejected: Iterable[tuple[str, str]] = (),
    max_file_bytes: int = walk.MAX_FILE_BYTES,
) -> dict:
    """Repository facts from a listing, reading the bodies through ``contents``.

    ``paths`` are the safe relative paths of regular files (see ``check_member_path``);
    ``contents(kept)`` yields ``(path, bytes)`` for the paths in ``kept`` only, in any order, so
    a caller can stream them from an archive one at a time. ``config`` is the body of
    ``.twelve-factor.yml`` when the listing has one. ``oversized`` and ``links`` are files the
    caller did not read (too big, symbolic or hard links): they are counted in ``skipped`` after
    the same pruning and exclusions as the walker applies. ``rejected`` are ``(name, reason)``
    pairs of unsafe names, each reported as an ``errors`` entry.
    """
    parsed = parse_yaml(config.decode("utf-8", "replace")) if config is not None else None
    excludes = walk.excludes_from_config(parsed.docs[0]["data"] if parsed and parsed.docs else None)
    all_paths = sorted(set(paths))
    excluded = 0

    def selected(rel: str) -> bool:
        nonlocal excluded
        if walk.in_pruned_dir(rel):
            return False
        if walk.matches_any(rel, excludes):
            excluded += 1
            return False
        return True

    kept = [rel for rel in all_paths if selected(rel)]
    too_large_paths = [rel for rel in sorted(set(oversized)) if selected(rel)]
    too_large = len(too_large_paths)
    link_count = sum(1 for rel in sorted(set(links)) if selected(rel))
    builder = FactsBuilder(root_name, source, kept, max_file_bytes=max_file_bytes)
    wanted = frozenset(kept)
    seen: set[str] = set()
    for rel, data in contents(wanted):
        if rel in wanted and rel not in seen:
            seen.add(rel)
            builder.add_file(rel, data)
    for rel in too_large_paths:
        builder.add_too_large(rel)
    for name, reason in rejected:
        builder.error(shown_name(name), "text", f"archive member rejected: {reason}")
    facts = builder.finish()
    # Bodies may arrive in archive order: keep findings in path order, like collect_directory.
    facts["signals"].sort(key=lambda item: str(item.get("path", "")))
    facts["skipped"]["excluded"] += excluded
    facts["skipped"]["too_large"] += too_large
    facts["skipped"]["link"] += link_count
    facts["excluded_globs"] = [*walk.DEFAULT_EXCLUDES, *excludes]
    tops = {rel.split("/", 1)[0] for rel in [*all_paths, *oversized, *links]}
    markers = sorted(tops & set(walk.VCS_MARKERS))
    facts["vcs"] = vcs or {"git": source == "github", "markers": markers}
    facts["commit"] = commit
    return facts

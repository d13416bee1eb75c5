"""The repository parsers and ``score_repo`` under random input: no crash, bounded output.

Every file of a scanned repository is written by someone else, so each parser must turn any
text into a fact — a parse error at worst — within the profile's deadline (the bound on time),
with output not much larger than the input (the bound on memory). Inputs mix arbitrary
Unicode with the tokens of each format (anchors, tags, templates, quotes, continuations), so
the examples reach deep into the grammars rather than failing on the first character.
"""

from __future__ import annotations

import configparser
import json
import tempfile
from datetime import date
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from scorecards.checks.registry import catalogue
from scorecards.collectors.localdir import collect_directory
from scorecards.collectors.repo_files import manifests
from scorecards.collectors.repo_files.codeowners import parse_codeowners
from scorecards.collectors.repo_files.dockerfile import parse_dockerfile
from scorecards.collectors.repo_files.documents import parse_document
from scorecards.collectors.repo_files.envfiles import parse_env_file
from scorecards.collectors.repo_files.gitignore import IgnoreRules
from scorecards.collectors.repo_files.gitindex import tracked_paths
from scorecards.collectors.repo_files.procfile import parse_procfile
from scorecards.collectors.repo_files.scripts import parse_script
from scorecards.collectors.repo_files.secrets import find_secrets
from scorecards.collectors.repo_files.source_scan import scan_source
from scorecards.collectors.repo_files.terraform import parse_terraform
from scorecards.scanning import score_directory

# Output may hold the parsed data and a line per key: a few times the input, never more.
OUTPUT_FACTOR = 40
OUTPUT_SLACK = 20_000
# A report always lists every check of the catalogue with its remediation (about 55 kB).
REPORT_SLACK = 200_000


def _tokens(*fragments: str, size: int = 80) -> st.SearchStrategy[str]:
    """Texts stitched from a format's fragments and short random strings."""
    piece = st.sampled_from(fragments) | st.text(max_size=6)
    return st.lists(piece, max_size=size).map("".join)


YAML = _tokens(
    "\n", "  ", "    ", "- ", ": ", "key", "name", "value", "apiVersion: v1\n",
    "kind: Deployment\n", "kind: Secret\n", "&a ", "*a", "<<: *a\n", "!Ref ", "!Sub ",
    "!GetAtt ", "!If ", "!reference ", "{{ .Values.x }}", "{{- if .x }}", "{{ end }}", "{", "}",
    "[", "]", ", ", "'", '"', "#", "---\n", "...\n", "%YAML 1.2\n", "? ", "|\n", ">-\n", "\t",
    "env:\n", "- name: API_TOKEN\n  value: x\n", "services:\n", "environment:\n", "command: ",
    "null", "~", "2024-01-01", "0x1F", ".inf", "!!binary ", "!!python/object:os.system ",
    "!!map ", "\r\n", "\x00", "\ufeff", "on: push\n", "Resources:\n",
    "Type: AWS::Lambda::Function\n",
)  # fmt: skip
JSON = _tokens(
    "{", "}", "[", "]", ":", ",", '"', '"name"', '"scripts"', '"dependencies"', '"start"',
    '"containerDefinitions"', '"environment"', '"apiVersion"', "1e999", "-0", "true", "null",
    "//", "/*", "*/", "\\", "\\u", "\\ud800", '"engines"', " ", "\n", '"x": ', "1",
)  # fmt: skip
TOML = _tokens(
    "[tool.poetry]\n", "[project]\n", "[tool.poetry.dependencies]\n", "[[x]]\n",
    "dependencies = [", "]", '"', "'", '"""', "'''", " = ", "\n", "name", "version", ".", "{",
    "}", "1979-05-27T07:32:00Z", "inf", "nan", "#", 'python = "^3.12"\n', "[build-system]\n",
)  # fmt: skip
DOCKERFILE = _tokens(
    "FROM ", "python:3.12", " AS ", "build", "\n", "RUN ", "CMD ", '["a", "b"]', '["x", 1]',
    "ENV ", "ARG ", "=", "${X}", "${X:-y}", "$X", "\\\n", "#", "# syntax=docker/dockerfile:1\n",
    "# escape=`\n", "COPY --from=", "HEALTHCHECK ", "ENTRYPOINT ", "EXPOSE ", "USER ", "<<EOF\n",
    "EOF\n", "ONBUILD ", "--mount=type=secret ", "WORKDIR ", " ", "\t", "@sha256:", "scratch",
    "STOPSIGNAL ", "SHELL ", "`\n", "\r\n",
)  # fmt: skip
PROCFILE = _tokens(
    "web", ":", " ", "release", "worker", "\n", "gunicorn", "$PORT", "#", "--token=x"
)
CODEOWNERS = _tokens(
    "*", " ", "@org/team", "@user", "a@b.c", "\n", "#", "\\ ", "\\#", "[Section]",
    "^[Optional][2] @x", "/docs/", "**", "!", "\t",
)  # fmt: skip
DOTENV = _tokens(
    "export ", "NAME", "API_TOKEN", "=", '"', "'", "#", "\n", "${X}", "${X:-d}", "\\", " ",
    "$(cmd)", "`cmd`", "\r\n",
)  # fmt: skip
REQUIREMENTS = _tokens(
    "django", "==", ">=", "~=", "===", "5.2", "\n", "-r ", "-e ", "git+https://x/y.git@v1#egg=z",
    "--hash=sha256:", "[extra]", ";", " python_version<'3.11'", "#", "\\\n", "-c ", "@ ",
    "--index-url ", "file:///x", " ", "*",
)  # fmt: skip
CATALOG = _tokens(
    "apiVersion: backstage.io/v1alpha1\n", "kind: Component\n", "kind: System\n", "metadata:\n",
    "  name: ", "spec:\n", "  owner: ", "  type: service\n", "---\n", "annotations:\n", "\n",
    "  ", "- ", ": ", "&a ", "*a", "[", "]", "{", "}",
)  # fmt: skip
HCL = _tokens(
    'resource "aws_lambda_function" "x" {\n', "}\n", "environment {\n", "variables = {\n",
    'API_TOKEN = "x"\n', "${var.x}", '"', "=", "\n", "{", "[", "]", "#", "<<EOF\n", "EOF\n",
)  # fmt: skip
SHELL = _tokens("#!/bin/sh\n", "export ", "X=", "$(", ")", "`", "'", '"', "\\\n", "|", ";", "\n")
ANY = st.text(max_size=300)


def _bounded(text: str, result: object, slack: int = OUTPUT_SLACK) -> None:
    """The result is JSON-serialisable (it is stored as JSON) and of bounded size."""
    size = len(json.dumps(result, ensure_ascii=False))
    assert size <= OUTPUT_FACTOR * len(text) + slack, size


@given(text=YAML | ANY, path=st.sampled_from([
    "compose.yaml", "deploy/k8s/app.yaml", "template.yaml", ".github/workflows/ci.yml",
    "charts/shop/values.yaml", "serverless.yml", "app.yaml", ".gitlab-ci.yml",
]))  # fmt: skip
def test_yaml_documents_become_facts_or_a_parse_error(path, text):
    document, error = parse_document(path, "apiVersion: v1\nkind: X\n" + text)
    assert document is None or isinstance(document["docs"], list)
    assert error is None or isinstance(error.text(), str)
    _bounded(text, document)


@given(text=YAML | ANY)
def test_helm_templates_become_facts_or_a_parse_error(text):
    document, _error = parse_document(
        "charts/shop/templates/deploy.yaml", text, frozenset({"charts/shop"})
    )
    assert document is not None and document["templated"]
    _bounded(text, document)


@given(text=CATALOG | ANY)
def test_catalog_info_becomes_facts_or_a_parse_error(text):
    document, error = parse_document("catalog-info.yaml", text)
    assert document is not None and document["category"] == "catalog"
    assert (error is None) == (document["error"] is None)
    _bounded(text, document)


@given(text=JSON | ANY, path=st.sampled_from([
    "task-definition.json", "renovate.json", ".devcontainer/devcontainer.json", "app.json",
]))  # fmt: skip
def test_json_documents_become_facts_or_a_parse_error(path, text):
    document, _error = parse_document(path, '{"containerDefinitions": [' + text)
    _bounded(text, document)


@given(text=TOML | ANY, path=st.sampled_from(["fly.toml", "samconfig.toml"]))
def test_toml_documents_become_facts_or_a_parse_error(path, text):
    document, _error = parse_document(path, text)
    _bounded(text, document)


# Exceptions a manifest parser may raise on malformed input (``parse_manifest`` turns them
# into an error fact); anything else — TypeError, KeyError, AttributeError... — is a bug.
MALFORMED = (ValueError, SyntaxError, RecursionError, yaml.YAMLError, configparser.Error)


@pytest.mark.parametrize(
    ("path", "texts"),
    [
        ("pyproject.toml", TOML),
        ("Pipfile", TOML),
        ("Cargo.toml", TOML),
        ("package.json", JSON),
        ("composer.json", JSON),
        ("requirements.txt", REQUIREMENTS),
        ("requirements/dev.in", REQUIREMENTS),
        ("environment.yml", YAML),
        ("pubspec.yaml", YAML),
        ("setup.cfg", DOTENV),
        ("go.mod", REQUIREMENTS),
        ("Gemfile", REQUIREMENTS),
    ],
)
def test_dependency_manifests_parse_or_fail_as_malformed_only(path, texts):
    parser = manifests._parser_for(path)
    assert parser is not None

    @given(text=texts | ANY)
    def parse(text):
        try:
            result = parser(path, text)
        except MALFORMED:
            result = manifests.parse_manifest(path, text)
            assert result is not None and result["error"]
        _bounded(text, result)

    parse()


@given(text=DOCKERFILE | ANY)
def test_dockerfiles_become_facts_or_a_parse_error(text):
    result = parse_dockerfile("Dockerfile", text)
    assert isinstance(result["instructions"], list)
    _bounded(text, result)


@pytest.mark.parametrize(
    ("path", "parse", "texts"),
    [
        ("Procfile", parse_procfile, PROCFILE),
        (".github/CODEOWNERS", parse_codeowners, CODEOWNERS),
        (".env", parse_env_file, DOTENV),
        ("main.tf", parse_terraform, HCL),
        ("main.tf.json", parse_terraform, JSON),
        ("scripts/run.sh", parse_script, SHELL),
    ],
)
def test_small_file_parsers_never_raise(path, parse, texts):
    @given(text=texts | ANY)
    def run(text):
        _bounded(text, parse(path, text))

    run()


@given(text=DOTENV | YAML | JSON | ANY, path=st.sampled_from([
    ".env", "config/settings.py", "deploy/app.yaml", "src/index.js", "main.go", "conf.properties",
]))  # fmt: skip
def test_secret_detection_and_source_signals_never_raise(path, text):
    signals = find_secrets(path, text)
    _bounded(text, signals)
    for language in ("python", "javascript", "go", "java"):
        _bounded(text, scan_source(path, text, language))


REPO_FILES = {
    "Dockerfile": DOCKERFILE,
    "compose.yaml": YAML,
    "deploy/k8s/app.yaml": YAML,
    "catalog-info.yaml": CATALOG,
    ".twelve-factor.yml": YAML,
    "package.json": JSON,
    "pyproject.toml": TOML,
    "requirements.txt": REQUIREMENTS,
    "Procfile": PROCFILE,
    ".github/CODEOWNERS": CODEOWNERS,
    ".env": DOTENV,
    "main.tf": HCL,
    "app/main.py": ANY,
}
random_trees = st.dictionaries(
    st.sampled_from(sorted(REPO_FILES)), st.just(None), min_size=1, max_size=6
).flatmap(lambda chosen: st.fixed_dictionaries({path: REPO_FILES[path] | ANY for path in chosen}))


@given(tree=random_trees)
def test_score_repo_scores_any_small_tree_without_a_parser_crash(tree):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "random-service"
        for relative, text in tree.items():
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text.encode("utf-8", "surrogatepass"))
        facts = collect_directory(root)
        report = score_directory(root, today=date(2026, 11, 25))
    # A parser that raised is recorded as "<parser> failed: ..." — a bug, not a bad file.
    crashes = [e for e in facts["errors"] if " failed: " in e["error"]]
    assert crashes == []
    assert len(report.results) == len(catalogue())
    assert report.score.score is None or 0 <= report.score.score <= 100
    _bounded("".join(tree.values()), report.as_dict(), slack=REPORT_SLACK)


GITIGNORE = _tokens(
    "*", "**", "**/", "/**", "/", "!", "\\", "#", "?", "[", "]", "[!", "a-z", "-", ".", "\n",
    " ", "\r", "name", ".log", "build/", "docs", "a",
)  # fmt: skip
NAMES = st.lists(_tokens("a", ".", "log", "*", "[", "build", "docs", size=12), min_size=1,
                 max_size=8).map(lambda parts: tuple(p or "x" for p in parts))  # fmt: skip


@given(text=GITIGNORE | ANY, parts=NAMES, is_dir=st.booleans())
def test_any_ignore_file_matches_any_path_without_raising(text, parts, is_dir):
    assert IgnoreRules().extended(text, ()).ignored(parts, is_dir) in (True, False)


@given(data=st.binary(max_size=2_000) | st.builds(lambda tail: b"DIRC" + tail, st.binary()))
def test_any_index_bytes_give_paths_or_none(data):
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "index").write_bytes(data)
        paths = tracked_paths(folder, folder)
    assert paths is None or len(paths) <= len(data)

"""The orchestrator: a directory (or path/bytes pairs) in, the repository facts contract out."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from scorecards.checks.results import REDACTED
from scorecards.collectors import localdir
from scorecards.collectors.localdir import FactsBuilder, collect_directory, collect_files

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "collectors"
CONTRACT_KEYS = {
    "schema",
    "source",
    "root",
    "commit",
    "vcs",
    "paths",
    "excluded_globs",
    "skipped",
    "errors",
    "twelve_factor",
    "dockerfiles",
    "documents",
    "terraform",
    "procfiles",
    "env_files",
    "codeowners",
    "scripts",
    "manifests",
    "lockfiles",
    "too_large",
    "languages",
    "signals",
}


def write(root: Path, rel: str, content: str | bytes) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    shutil.copytree(FIXTURES / "documents", root / "deploy")
    shutil.copy(FIXTURES / "dockerfiles" / "multistage.Dockerfile", root / "Dockerfile")
    write(root, "app/main.py", "import os\nprint(os.environ['PORT'])\n")
    write(root, "logo.png", b"\x89PNG\r\n\x00\x00binary")
    write(root, ".twelve-factor.yml", "service: shop\nexclude:\n  - legacy/**\n")
    write(root, "legacy/Dockerfile", "FROM node:latest\n")
    return root


def test_it_returns_every_key_of_the_contract_as_json(repo: Path):
    facts = collect_directory(repo)
    assert set(facts) == CONTRACT_KEYS
    assert facts["schema"] == 1 and facts["source"] == "local" and facts["root"] == "shop"
    json.dumps(facts)


def test_paths_are_sorted_and_binary_and_excluded_files_counted(repo: Path):
    facts = collect_directory(repo)
    assert facts["paths"] == sorted(facts["paths"])
    assert "app/main.py" in facts["paths"]
    assert "logo.png" not in facts["paths"]
    assert facts["skipped"]["binary"] == 1
    assert facts["skipped"]["excluded"] == 1
    assert "legacy/**" in facts["excluded_globs"]
    assert all(not p.startswith("legacy/") for p in facts["paths"])


def test_the_twelve_factor_file_is_parsed(repo: Path):
    facts = collect_directory(repo)
    assert facts["twelve_factor"] == {
        "path": ".twelve-factor.yml",
        "data": {"service": "shop", "exclude": ["legacy/**"]},
    }


def test_dockerfiles_and_documents_are_collected(repo: Path):
    facts = collect_directory(repo)
    assert [d["path"] for d in facts["dockerfiles"]] == ["Dockerfile"]
    by_path = {d["path"]: d["category"] for d in facts["documents"]}
    assert by_path["deploy/chart/templates/deployment.yaml"] == "helm_template"
    assert by_path["deploy/chart/values.yaml"] == "helm_values"
    assert by_path["deploy/docker-compose.yml"] == "compose"
    assert by_path["deploy/sam-template.yaml"] == "cloudformation"
    assert "deploy/chart/templates/_helpers.tpl" not in by_path


def test_parse_errors_become_errors_entries_and_stay_on_the_document(repo: Path):
    facts = collect_directory(repo)
    errors = {(e["path"], e["format"], e["line"]) for e in facts["errors"]}
    assert ("deploy/broken.yaml", "yaml", 10) in errors
    assert ("deploy/broken.toml", "toml", 2) not in errors  # other: not a document
    broken = next(d for d in facts["documents"] if d["path"] == "deploy/broken.yaml")
    assert broken["error"].startswith("line 10")


def test_no_secret_value_reaches_the_facts(repo: Path):
    text = json.dumps(collect_directory(repo), ensure_ascii=False)
    for secret in (
        "hunter2",
        "sk_live_literal_value",
        "npm_abcdef123456",
        "s3cr3t",
        "changeme",
        "topsecret",
        "xoxb-literal",
        "plain-text-secret",
    ):
        assert secret not in text
    assert REDACTED in text


def test_a_parser_that_raises_becomes_an_error_not_a_crash(repo: Path, monkeypatch):
    def explode(path: str, text: str) -> dict:
        raise RuntimeError("boom")

    original = FactsBuilder.__init__

    def patched(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.parsers["find_secrets"] = explode

    monkeypatch.setattr(FactsBuilder, "__init__", patched)
    facts = collect_directory(repo)
    assert any("boom" in e["error"] for e in facts["errors"])
    assert facts["dockerfiles"] and facts["documents"]


def test_a_document_parser_bug_loses_only_that_file(repo: Path, monkeypatch):
    real = localdir.parse_document

    def flaky(path, text, chart_dirs):
        if path.endswith("k8s.yaml"):
            raise ValueError("bug")
        return real(path, text, chart_dirs)

    monkeypatch.setattr(localdir, "parse_document", flaky)
    facts = collect_directory(repo)
    assert {"deploy/k8s.yaml"} == {e["path"] for e in facts["errors"] if "bug" in e["error"]}
    assert any(d["path"] == "deploy/docker-compose.yml" for d in facts["documents"])


def test_collect_files_applies_the_same_exclusions_to_pairs():
    pairs = [
        (".twelve-factor.yml", b"exclude: [examples/**]\n"),
        ("Dockerfile", b'FROM python:3.12-slim\nCMD ["python", "app.py"]\n'),
        ("examples/Dockerfile", b"FROM node\n"),
        ("node_modules/x/package.json", b"{}"),
        ("img.bin", b"\x00\x01"),
    ]
    facts = collect_files(pairs, root_name="acme/shop", commit="f" * 40)
    assert facts["source"] == "github" and facts["commit"] == "f" * 40
    assert facts["paths"] == [".twelve-factor.yml", "Dockerfile"]
    assert facts["skipped"]["excluded"] == 1 and facts["skipped"]["binary"] == 1
    assert facts["dockerfiles"][0]["stages"][0]["from"]["tag"] == "3.12-slim"
    assert facts["vcs"]["git"] is True


def test_languages_count_programming_files(repo: Path):
    assert collect_directory(repo)["languages"].get("python") == 1


def test_a_tree_of_thousands_of_files_collects_quickly(tmp_path: Path):
    for index in range(1500):
        write(tmp_path, f"pkg{index % 30}/mod{index}.txt", f"value {index}\n" * 20)
    for index in range(500):
        write(tmp_path, f"conf/c{index}.yaml", f"name: c{index}\nitems: [1, 2, 3]\n")
    started = time.perf_counter()
    facts = collect_directory(tmp_path)
    assert len(facts["paths"]) == 2000
    assert time.perf_counter() - started < 5


def test_strings_postgresql_cannot_store_become_replacement_characters():
    facts = {"paths": ["caf\udce9.yaml"], "data": {"k\x00": ["a\x00b", "\ud83d\ude00 ok"]}}
    assert localdir.storable(facts) == {
        "paths": ["caf\ufffd.yaml"],
        "data": {"k\ufffd": ["a\ufffdb", "\U0001f600 ok"]},
    }


def test_collected_facts_carry_no_url_password_whichever_parser_kept_the_value():
    facts = collect_files(
        [
            ("Procfile", b"web: gunicorn app --api-token=t0k3n-value\n"),
            (
                "compose.yaml",
                b"services:\n  web:\n    environment:\n      DB_URL: pg://u:pw9@db/\n",
            ),
        ],
        "acme/shop",
    )
    text = json.dumps(facts)
    assert "t0k3n-value" not in text and "pw9" not in text
    assert f"--api-token={REDACTED}" in json.dumps(facts, ensure_ascii=False)

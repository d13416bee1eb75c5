"""Hostile files and archives: refused or capped with a clear message, never a crash or a hang.

YAML alias bombs ("billion laughs") and deeply nested JSON, TOML and YAML in every parser that
reads those formats; names and values PostgreSQL cannot store (NUL, lone surrogates) through a
real scan; and the archive cases ``tests/collectors/github/test_tarball.py`` leaves out:
100,000 tiny files, hard links out of the tree, NUL and overlong member names. Time is bounded
by running each case under the hypothesis profile's deadline (``sampled_from`` over the cases):
a case that takes pathologically long fails instead of passing slowly.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import tarfile
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scorecards import scanning
from scorecards.collectors.github import TooLarge, read_tarball
from scorecards.collectors.localdir import FactsBuilder, check_member_path
from scorecards.collectors.repo_files.documents import parse_document
from scorecards.collectors.repo_files.manifests import parse_manifest
from scorecards.models import Facts, Scan
from tests.collectors.github.fake_github import make_tarball, member

TOP = "acme-corp-shop-0123456"


def billion_laughs(levels: int = 9, width: int = 9) -> str:
    """Each anchor a list of ``width`` aliases of the previous one: ``width**levels`` strings."""
    lines = [f"l0: &l0 [{', '.join(['lol'] * width)}]"]
    for level in range(1, levels):
        lines.append(f"l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


BOMB = billion_laughs()
# The bomb placed where each reader looks: a value that is walked, printed or stored.
YAML_BOMBS = {
    "compose.yaml": BOMB + f"services:\n  web:\n    image: x\n    command: *l{8}\n",
    "deploy/k8s/app.yaml": "apiVersion: v1\nkind: ConfigMap\n" + BOMB + "data: *l8\n",
    "catalog-info.yaml": "apiVersion: backstage.io/v1alpha1\nkind: Component\n" + BOMB
    + "metadata: {name: shop, tags: *l8}\n",
    "pubspec.yaml": BOMB + "name: *l8\ndependencies:\n  http: *l8\n",
    "environment.yml": BOMB + "dependencies:\n  - python=3.12\n  - pip: *l8\n",
    ".twelve-factor.yml": BOMB + "exclude: *l8\n",
}  # fmt: skip


def deep_json(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


DEEP = {
    "package.json": '{"dependencies": ' + deep_json(100_000) + "}",
    "composer.json": "[" * 100_000 + "]" * 100_000,
    "task-definition.json": '{"containerDefinitions": ' + "[" * 100_000 + "]" * 100_000 + "}",
    "main.tf.json": deep_json(100_000),
    "pyproject.toml": "a = " + "[" * 100_000 + "]" * 100_000 + "\n",
    "fly.toml": "a = " + "{b = " * 5_000 + "1" + "}" * 5_000 + "\n",
    "deploy/k8s/deep.yaml": "apiVersion: v1\nkind: Pod\nspec: " + "[" * 5_000 + "]" * 5_000,
}


def _facts_of(files: dict[str, str]) -> dict:
    builder = FactsBuilder("hostile", "local", list(files))
    for path, text in files.items():
        builder.add_file(path, text.encode())
    return builder.finish()


@given(path=st.sampled_from(sorted(YAML_BOMBS)))
def test_a_yaml_alias_bomb_is_refused_with_a_clear_message(path):
    facts = _facts_of({path: YAML_BOMBS[path]})
    text = json.dumps(facts)
    assert len(text) < 50_000  # nothing expanded into the facts
    errors = [e["error"] for e in facts["errors"]]
    assert path == ".twelve-factor.yml" or any("too large or too deep" in e for e in errors), errors
    assert not any(" failed: " in e for e in errors)  # refused by the parser, not a crash


def test_the_bomb_message_says_what_limit_was_hit():
    document, error = parse_document("compose.yaml", YAML_BOMBS["compose.yaml"])
    assert document is not None and document["docs"] == []
    assert "aliases are expanded" in error.message
    manifest = parse_manifest("pubspec.yaml", YAML_BOMBS["pubspec.yaml"])
    assert "aliases are expanded" in manifest["error"]


@given(path=st.sampled_from(sorted(DEEP)))
def test_deeply_nested_documents_are_refused_not_a_crash(path):
    facts = _facts_of({path: DEEP[path]})
    errors = [e["error"] for e in facts["errors"]]
    assert errors, f"{path}: a 100,000-deep document was accepted silently"
    assert not any(" failed: " in e for e in errors), errors
    assert len(json.dumps(facts)) < 50_000


# -- values and names PostgreSQL refuses -------------------------------------------------------


@pytest.mark.django_db
def test_nul_bytes_and_undecodable_names_do_not_fail_the_scan(tmp_path, settings):
    root = tmp_path / "odd-names"
    root.mkdir()
    (root / "Dockerfile").write_text("FROM python:3.12-slim\n")
    # Escapes that parse to characters PostgreSQL's jsonb and text columns cannot hold.
    (root / "compose.yaml").write_text(
        'services:\n  web:\n    image: "py\\0thon"\n    environment:\n      X: "a\\x00b"\n'
    )
    (root / "package.json").write_text('{"name": "odd\\u0000", "dependencies": {"x\\u0000": "1"}}')
    # A file name that is not UTF-8 (Python lists it with a lone surrogate).
    with open(os.fsencode(root) + b"/caf\xe9.yaml", "w") as handle:
        handle.write("apiVersion: v1\nkind: Pod\nmetadata: {name: caf\\xe9}\n")
    settings.LOCAL_REPOSITORIES = [str(root)]
    settings.GITHUB_ORGS, settings.AWS_REGIONS, settings.KUBECONFIG = [], [], ""
    settings.AWS_OFFLINE_DIR = settings.KUBE_OFFLINE_DIR = settings.DEMO_ORGANISATION = ""
    scan, _ = scanning.request_scan(Scan.Trigger.MANUAL)
    scan = scanning.run_scan(scan.pk, today=date(2026, 11, 25))
    assert scan.state == Scan.State.SUCCEEDED, scan.error
    stored = json.dumps([f.data for f in Facts.objects.all()])
    assert "\\u0000" not in stored and "compose.yaml" in stored and "caf" in stored


# -- archives: what test_tarball.py does not cover ---------------------------------------------


def _tiny_files_archive(count: int) -> bytes:
    """``count`` two-byte files, in gzip (level 1). One header made by ``tarfile`` is reused
    with the name and checksum patched: building 100,000 ``TarInfo`` objects takes seconds."""
    template = tarfile.TarInfo(f"{TOP}/d00/f000000.txt")
    template.size = 2
    header = template.tobuf(tarfile.USTAR_FORMAT)
    name_length = len(template.name)
    unsummed = sum(header) - sum(header[148:156]) + 8 * ord(" ") - sum(header[:name_length])
    body = b"x\n".ljust(tarfile.BLOCKSIZE, b"\0")
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=1) as zipped:
        for index in range(count):
            name = f"{TOP}/d{index % 100:02d}/f{index:06d}.txt".encode()
            block = bytearray(header)
            block[:name_length] = name
            block[148:156] = b"%06o\0 " % (unsummed + sum(name))
            zipped.write(block + body)
        zipped.write(bytes(2 * tarfile.BLOCKSIZE))  # the end-of-archive marker
    return out.getvalue()


def test_an_archive_of_100000_tiny_files_is_refused_past_the_member_limit():
    archive = _tiny_files_archive(100_000)
    with pytest.raises(TooLarge) as caught:
        read_tarball(io.BytesIO(archive), root_name="acme-corp/shop", commit=None,
                     max_members=10_000)  # fmt: skip
    assert caught.value.limit == 10_000
    assert str(caught.value) == "archive has more than 10000 entries"


def test_the_tiny_files_archive_is_a_valid_tar_of_that_many_files():
    archive = _tiny_files_archive(300)
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as opened:
        members = opened.getmembers()
        assert len(members) == 300 and all(m.isreg() and m.size == 2 for m in members)
        assert opened.extractfile(members[-1]).read() == b"x\n"
    facts = read_tarball(io.BytesIO(archive), root_name="acme-corp/shop", commit=None).facts
    assert len(facts["paths"]) == 300 and facts["errors"] == []


@pytest.mark.parametrize("target", ["/etc/passwd", "../../../../etc/shadow", f"{TOP}/../x"])
def test_a_hard_link_out_of_the_tree_is_never_followed(target):
    link = member(f"{TOP}/config/app.yaml", tarfile.LNKTYPE, linkname=target)
    result = read_tarball(
        io.BytesIO(make_tarball(TOP, {"app.py": b"print(1)\n"}, extra=[link])),
        root_name="acme-corp/shop",
        commit=None,
    )
    assert result.facts["paths"] == ["app.py"] and result.facts["skipped"]["link"] == 1
    assert result.rejected == [{"member": f"{TOP}/config/app.yaml", "reason": "hard link"}]


def test_a_nul_byte_in_a_member_name_never_reaches_the_facts():
    # The tar header ends a name at NUL: the member is read under the name before it.
    evil = member(f"{TOP}/ok.yaml\0/../../etc/passwd", data=b"kind: Pod\n")
    result = read_tarball(
        io.BytesIO(make_tarball(TOP, {"app.py": b"x = 1\n"}, extra=[evil])),
        root_name="acme-corp/shop",
        commit=None,
    )
    assert result.facts["paths"] == ["app.py", "ok.yaml"]
    assert not any("\0" in p or ".." in p for p in result.facts["paths"])


def test_an_overlong_member_name_is_rejected_with_a_short_report():
    name = f"{TOP}/" + "d/" * 3_000 + "x" * 20_000 + ".yaml"
    long_one = member(name, data=b"apiVersion: v1\nkind: Pod\n")
    result = read_tarball(
        io.BytesIO(make_tarball(TOP, {"app.py": b"x = 1\n"}, extra=[long_one])),
        root_name="acme-corp/shop",
        commit=None,
    )
    assert result.facts["paths"] == ["app.py"]
    assert result.rejected[0]["reason"] == "name too long"
    assert len(result.rejected[0]["member"]) <= 200
    assert check_member_path("a/" * 3_000 + "b") == (None, "name too long")

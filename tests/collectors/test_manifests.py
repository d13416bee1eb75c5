"""Dependency manifests and lock files: what is declared, and whether it is pinned."""

from pathlib import Path

import pytest

from scorecards.collectors.repo_files.manifests import lockfile_info, parse_manifest

FIXTURES = Path(__file__).parent.parent / "fixtures" / "parsers"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text()


def deps(manifest: dict) -> dict[str, dict]:
    return {d["name"]: d for d in manifest["dependencies"]}


# --- requirements files -----------------------------------------------------------------


def test_it_reads_a_pip_compile_output_with_hashes_as_exact_pins():
    manifest = parse_manifest("requirements.txt", fixture("requirements-compiled.txt"))
    found = deps(manifest)
    assert set(found) == {"asgiref", "django", "sqlparse"}
    assert all(d["exact"] for d in found.values())
    assert found["django"]["spec"] == "==5.2.1"
    assert found["django"]["line"] == 13
    assert manifest["details"]["compiled"] is True
    assert manifest["role"] == "main" and manifest["type"] == "requirements"


def test_it_does_not_leak_index_credentials_into_details():
    text = "--extra-index-url https://user:s3cr3tpass@pypi.acme.internal/simple\nflask==3.0.0\n"
    manifest = parse_manifest("requirements.txt", text)
    assert "s3cr3tpass" not in str(manifest)
    assert deps(manifest)["flask"]["exact"] is True


def test_it_lists_includes_and_constraints_and_ignores_local_paths():
    text = (
        "-r base.txt\n-c constraints.txt\n-e .\n./libs/shared\n"
        "https://example.org/x-1.0.tar.gz\nrequests>=2\n"
    )
    manifest = parse_manifest("requirements/prod.txt", text)
    assert manifest["includes"] == ["base.txt", "constraints.txt"]
    assert [d["name"] for d in manifest["dependencies"]] == ["requests"]
    assert manifest["dependencies"][0]["exact"] is False


@pytest.mark.parametrize(
    ("line", "exact"),
    [
        ("django==5.2.1", True),
        ("django===5.2.1", True),
        ("django==5.*", False),
        ("django~=5.2", False),
        ("django>=5,<6", False),
        ("django", False),
        ("django==5.2.1 ; python_version >= '3.11'", True),
        ("Django[argon2] == 5.2.1", True),
    ],
)
def test_it_decides_whether_a_requirement_pins_one_version(line, exact):
    (dep,) = parse_manifest("requirements.txt", line + "\n")["dependencies"]
    assert dep["name"].lower() == "django"
    assert dep["exact"] is exact


def test_it_pins_a_vcs_requirement_only_to_a_commit_sha():
    sha = "9fceb02d0ae598e95dc970b74767f19372d61af8"
    text = (
        f"git+https://github.com/acme/lib-a.git@{sha}#egg=lib-a\n"
        "lib-b @ git+https://github.com/acme/lib-b.git@main\n"
    )
    found = deps(parse_manifest("requirements.txt", text))
    assert found["lib-a"]["exact"] is True
    assert found["lib-b"]["exact"] is False


@pytest.mark.parametrize(
    "path",
    [
        "requirements-dev.txt",
        "dev-requirements.txt",
        "requirements_test.txt",
        "requirements/test.txt",
        "requirements/docs.in",
        "requirements-lint.txt",
        "requirements/ci.txt",
        "requirements-typing.txt",
    ],
)
def test_it_marks_development_requirement_files_as_dev(path):
    manifest = parse_manifest(path, "pytest==8.2.2\n")
    assert manifest["role"] == "dev"
    assert manifest["dependencies"][0]["dev"] is True


@pytest.mark.parametrize(
    "path", ["requirements.txt", "requirements/production.txt", "requirements.in"]
)
def test_it_marks_runtime_requirement_files_as_main(path):
    assert parse_manifest(path, "gunicorn==23.0.0\n")["role"] == "main"


@pytest.mark.parametrize("path", ["MANIFEST.in", "config.h.in", "notes.txt", "README.md"])
def test_it_ignores_files_that_are_not_manifests(path):
    assert parse_manifest(path, "include *.txt\n") is None


# --- pyproject, Pipfile, setup.cfg, setup.py, conda -----------------------------------


def test_it_reads_poetry_dependencies_and_groups():
    manifest = parse_manifest("pyproject.toml", fixture("pyproject-poetry.toml"))
    found = deps(manifest)
    assert "python" not in found and "shared" not in found
    assert found["fastapi"]["exact"] is False
    assert found["uvicorn"]["exact"] is True
    assert found["sqlalchemy"]["exact"] is True
    assert found["internal-lib"]["exact"] is True
    assert found["pytest"]["dev"] is True and found["fastapi"]["dev"] is False
    assert found["fastapi"]["line"] == 9
    assert manifest["details"]["tool"] == "poetry"
    assert manifest["details"]["build_backend"] == "poetry.core.masonry.api"


def test_it_reads_pep621_dependencies_and_optional_groups():
    manifest = parse_manifest("pyproject.toml", fixture("pyproject-pep621.toml"))
    found = deps(manifest)
    assert found["psycopg"]["exact"] is True
    assert found["gunicorn"]["exact"] is False
    assert found["django"]["spec"] == ">=5.0,<5.3"
    assert found["tzdata"]["spec"] == ""
    assert found["pytest"]["dev"] is True
    assert found["psycopg-pool"]["dev"] is False
    assert manifest["details"]["build_backend"] == "hatchling.build"


def test_it_returns_a_pyproject_without_dependencies_with_its_build_backend():
    text = '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'
    manifest = parse_manifest("pyproject.toml", text)
    assert manifest["dependencies"] == []
    assert manifest["details"]["build_backend"] == "setuptools.build_meta"


def test_it_reports_a_malformed_pyproject_as_an_error():
    manifest = parse_manifest("pyproject.toml", "[project\nname = 1")
    assert manifest["error"] and manifest["dependencies"] == []


def test_it_reads_a_pipfile_with_dev_packages():
    text = '[packages]\nflask = "==3.0.3"\nrequests = "*"\n\n[dev-packages]\npytest = "*"\n'
    found = deps(parse_manifest("Pipfile", text))
    assert found["flask"]["exact"] is True and found["requests"]["exact"] is False
    assert found["pytest"]["dev"] is True


def test_it_reads_install_requires_from_setup_cfg_and_setup_py():
    cfg = "[metadata]\nname = x\n\n[options]\ninstall_requires =\n    click==8.1.7\n    rich>=13\n"
    assert {d["name"]: d["exact"] for d in parse_manifest("setup.cfg", cfg)["dependencies"]} == {
        "click": True,
        "rich": False,
    }
    py = (
        'from setuptools import setup\nREQS = ["attrs==23.2.0", "pyyaml"]\n'
        'setup(name="x", install_requires=REQS)\n'
    )
    assert [d["name"] for d in parse_manifest("setup.py", py)["dependencies"]] == [
        "attrs",
        "pyyaml",
    ]


def test_it_ignores_a_setup_cfg_holding_only_tool_settings():
    assert parse_manifest("setup.cfg", "[flake8]\nmax-line-length = 100\n") is None


def test_it_reads_a_conda_environment_with_pip_entries():
    text = (
        "name: ml\nchannels: [conda-forge]\ndependencies:\n  - python=3.11\n"
        "  - numpy=1.26.4=py311h64a7726_0\n  - pandas>=2\n  - pip:\n    - mlflow==2.13.0\n"
    )
    manifest = parse_manifest("environment.yml", text)
    found = deps(manifest)
    assert manifest["ecosystem"] == "conda"
    assert found["numpy"]["exact"] is True and found["pandas"]["exact"] is False
    assert found["mlflow"]["exact"] is True


# --- node, go, rust, php ----------------------------------------------------------------


def test_it_reads_an_npm_workspace_root():
    manifest = parse_manifest("package.json", fixture("package-workspaces.json"))
    found = deps(manifest)
    assert "@acme/shared" not in found
    assert found["express"]["exact"] is True
    assert found["pino"]["exact"] is False
    assert found["left-pad"]["exact"] is True
    assert found["turbo"]["exact"] is False and found["turbo"]["dev"] is True
    assert found["react"]["group"] == "peerDependencies"
    assert found["express"]["line"] == 11
    assert manifest["details"]["workspaces"] is True
    assert manifest["details"]["workspace_globs"] == ["packages/*", "apps/*"]
    assert manifest["details"]["scripts"]["start"] == "node apps/api/dist/server.js"
    assert manifest["details"]["packageManager"] == "pnpm@9.1.0"


def test_it_reports_invalid_json_in_package_json():
    manifest = parse_manifest("package.json", "{ not json")
    assert manifest["error"] and manifest["ecosystem"] == "node"


def test_it_reads_go_mod_requirements_as_exact():
    text = (
        "module github.com/acme/api\n\ngo 1.22\n\nrequire github.com/gin-gonic/gin v1.10.0\n\n"
        "require (\n\tgolang.org/x/net v0.26.0 // indirect\n\tgithub.com/rs/zerolog v1.33.0\n)\n"
    )
    manifest = parse_manifest("go.mod", text)
    found = deps(manifest)
    assert set(found) == {"github.com/gin-gonic/gin", "golang.org/x/net", "github.com/rs/zerolog"}
    assert all(d["exact"] for d in found.values())
    assert found["golang.org/x/net"]["indirect"] is True
    assert found["github.com/rs/zerolog"]["line"] == 9
    assert manifest["details"]["module"] == "github.com/acme/api"


def test_it_reads_cargo_dependencies_and_notes_a_workspace():
    text = (
        '[workspace]\nmembers = ["crates/*"]\n\n[package]\nname = "api"\n\n[dependencies]\n'
        'serde = "1.0.203"\ntokio = { version = "=1.38.0", features = ["full"] }\n'
        'local = { path = "../local" }\n\n[dev-dependencies]\ninsta = "1"\n'
    )
    manifest = parse_manifest("Cargo.toml", text)
    found = deps(manifest)
    assert found["serde"]["exact"] is False  # Cargo reads "1.0.203" as ^1.0.203
    assert found["tokio"]["exact"] is True
    assert "local" not in found
    assert found["insta"]["dev"] is True
    assert manifest["details"]["workspace"] is True


def test_it_reads_composer_requirements_without_platform_packages():
    text = (
        '{"require": {"php": "^8.2", "ext-json": "*", '
        '"laravel/framework": "^11.0", "guzzlehttp/guzzle": "7.8.1"}}'
    )
    found = deps(parse_manifest("composer.json", text))
    assert set(found) == {"laravel/framework", "guzzlehttp/guzzle"}
    assert (
        found["guzzlehttp/guzzle"]["exact"] is True and found["laravel/framework"]["exact"] is False
    )


# --- JVM ---------------------------------------------------------------------------------


def test_it_reads_a_spring_boot_war_pom_with_a_parent():
    manifest = parse_manifest("pom.xml", fixture("pom-spring-war.xml"))
    found = deps(manifest)
    assert "com.acme:bom" not in found  # dependencyManagement is not a dependency
    web = found["org.springframework.boot:spring-boot-starter-web"]
    assert web["exact"] is True and web["spec"] == ""  # managed by the parent
    assert found["com.google.guava:guava"]["exact"] is True
    assert found["org.apache.commons:commons-lang3"]["exact"] is False
    assert found["org.springframework.boot:spring-boot-starter-test"]["dev"] is True
    assert web["line"] == 32
    assert manifest["details"]["packaging"] == "war"
    assert manifest["details"]["parent"].startswith(
        "org.springframework.boot:spring-boot-starter-parent"
    )
    assert "spring-boot-maven-plugin" in manifest["details"]["plugins"]


def test_it_reports_malformed_xml_in_a_pom():
    assert parse_manifest("pom.xml", "<project><dependencies>")["error"]


def test_it_reads_gradle_kotlin_dsl_with_floating_versions():
    manifest = parse_manifest("build.gradle.kts", fixture("build.gradle.kts"))
    found = deps(manifest)
    assert "commented:out" not in found
    assert found["org.springframework.boot:spring-boot-starter-web"]["exact"] is True
    assert found["com.fasterxml.jackson.module:jackson-module-kotlin"]["exact"] is True
    assert found["io.micrometer:micrometer-registry-prometheus"]["exact"] is False
    assert found["org.postgresql:postgresql"]["exact"] is False
    assert found["org.springframework.boot:spring-boot-starter-test"]["dev"] is True
    assert found["io.micrometer:micrometer-registry-prometheus"]["line"] == 11
    assert "war" in manifest["details"]["plugins"]
    assert "org.springframework.boot" in manifest["details"]["plugins"]


def test_it_reads_groovy_gradle_map_notation():
    text = (
        "dependencies {\n    compile group: 'org.slf4j', name: 'slf4j-api', version: '2.0.+'\n}\n"
    )
    (dep,) = parse_manifest("build.gradle", text)["dependencies"]
    assert dep["name"] == "org.slf4j:slf4j-api" and dep["exact"] is False


def test_it_reads_sbt_dependencies():
    text = (
        'libraryDependencies += "org.typelevel" %% "cats-core" % "2.12.0"\n'
        'libraryDependencies += "org.scalatest" %% "scalatest" % "3.2.18" % Test\n'
    )
    found = deps(parse_manifest("build.sbt", text))
    assert found["org.typelevel:cats-core"]["exact"] is True
    assert found["org.scalatest:scalatest"]["dev"] is True


# --- Ruby, .NET, Elixir, Dart, Swift ----------------------------------------------------


def test_it_reads_a_gemfile_with_groups():
    text = (
        "source 'https://rubygems.org'\nruby '3.3.1'\n\n"
        "gem 'rails', '~> 7.1.3'\ngem 'pg', '1.5.6'\n\n"
        "group :development, :test do\n  gem 'rspec-rails'\nend\n"
    )
    manifest = parse_manifest("Gemfile", text)
    found = deps(manifest)
    assert found["rails"]["exact"] is False and found["pg"]["exact"] is True
    assert found["rspec-rails"]["dev"] is True and found["rails"]["dev"] is False
    assert manifest["details"]["ruby"] == "3.3.1"


def test_it_reads_a_gemspec():
    text = (
        "Gem::Specification.new do |s|\n  s.add_dependency 'rack', '~> 3.0'\n"
        "  s.add_development_dependency 'rake'\nend\n"
    )
    found = deps(parse_manifest("acme.gemspec", text))
    assert found["rack"]["exact"] is False and found["rake"]["dev"] is True


def test_it_reads_csproj_package_references():
    text = (
        '<Project Sdk="Microsoft.NET.Sdk.Web">\n  <PropertyGroup>\n'
        "    <TargetFramework>net8.0</TargetFramework>\n"
        "  </PropertyGroup>\n  <ItemGroup>\n"
        '    <PackageReference Include="Serilog.AspNetCore" Version="8.0.1" />\n'
        '    <PackageReference Include="Npgsql" Version="8.*" />\n'
        '    <PackageReference Include="Polly">\n'
        "      <Version>[8.0,9.0)</Version>\n    </PackageReference>\n"
        '    <PackageReference Include="Central.Managed" />\n'
        "  </ItemGroup>\n</Project>\n"
    )
    manifest = parse_manifest("src/Api/Api.csproj", text)
    found = deps(manifest)
    assert found["Serilog.AspNetCore"]["exact"] is True
    assert found["Npgsql"]["exact"] is False
    assert found["Polly"]["exact"] is False
    assert found["Central.Managed"]["exact"] is True
    assert found["Npgsql"]["line"] == 7
    assert manifest["details"]["sdk"] == "Microsoft.NET.Sdk.Web"
    assert manifest["type"] == "csproj"


def test_it_reads_packages_config_and_central_package_versions():
    config = (
        '<?xml version="1.0"?>\n<packages>\n'
        '  <package id="Newtonsoft.Json" version="13.0.3" targetFramework="net48" />\n'
        "</packages>\n"
    )
    assert parse_manifest("packages.config", config)["dependencies"][0]["exact"] is True
    props = (
        "<Project>\n  <ItemGroup>\n"
        '    <PackageVersion Include="xunit" Version="2.*" />\n  </ItemGroup>\n'
        "</Project>\n"
    )
    assert parse_manifest("Directory.Packages.props", props)["dependencies"][0]["exact"] is False


def test_it_reads_mix_pubspec_and_swift_packages():
    mix = (
        'defp deps do\n  [\n    {:phoenix, "~> 1.7.12"},\n'
        '    {:jason, "1.4.1"},\n'
        '    {:credo, "~> 1.7", only: [:dev, :test], runtime: false}\n  ]\n'
        "end\n"
    )
    found = deps(parse_manifest("mix.exs", mix))
    assert found["phoenix"]["exact"] is False and found["jason"]["exact"] is True
    assert found["credo"]["dev"] is True
    pubspec = (
        "name: app\ndependencies:\n  flutter:\n    sdk: flutter\n"
        "  http: ^1.2.1\n  intl: 0.19.0\ndev_dependencies:\n  lints: ^4.0.0\n"
    )
    found = deps(parse_manifest("pubspec.yaml", pubspec))
    assert set(found) == {"http", "intl", "lints"} and found["intl"]["exact"] is True
    swift = (
        "let package = Package(\n  dependencies: [\n"
        '    .package(url: "https://github.com/vapor/vapor.git", from: "4.99.0"),\n'
        '    .package(url: "https://github.com/apple/swift-log.git", exact: "1.5.4"),\n  ]\n)\n'
    )
    found = deps(parse_manifest("Package.swift", swift))
    assert found["vapor"]["exact"] is False and found["swift-log"]["exact"] is True


# --- lock files ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "ecosystem", "kind"),
    [
        ("poetry.lock", "python", "poetry"),
        ("services/api/uv.lock", "python", "uv"),
        ("Pipfile.lock", "python", "pipenv"),
        ("package-lock.json", "node", "npm"),
        ("yarn.lock", "node", "yarn"),
        ("pnpm-lock.yaml", "node", "pnpm"),
        ("bun.lockb", "node", "bun"),
        ("go.sum", "go", "go"),
        ("Gemfile.lock", "ruby", "bundler"),
        ("Cargo.lock", "rust", "cargo"),
        ("composer.lock", "php", "composer"),
        ("src/Api/packages.lock.json", "dotnet", "nuget"),
        ("gradle.lockfile", "java", "gradle"),
        ("mix.lock", "elixir", "mix"),
        ("pubspec.lock", "dart", "pub"),
        ("Package.resolved", "swift", "swiftpm"),
        ("conda-lock.yml", "conda", "conda-lock"),
    ],
)
def test_it_recognises_lock_files_by_name(path, ecosystem, kind):
    assert lockfile_info(path) == {"path": path, "ecosystem": ecosystem, "type": kind}


@pytest.mark.parametrize("path", ["flake.lock", "package.json", "locks.py", "poetry.lock.bak"])
def test_it_does_not_treat_other_files_as_lock_files(path):
    assert lockfile_info(path) is None

"""Deterministic, realistic repositories of any size for the benchmarks.

A repository is a set of components (``services/<name>/``), each with the files a team keeps
beside its code -- a Dockerfile, a dependency manifest with its lock file, Kubernetes manifests,
docs -- and source files in its language that read configuration, log, handle signals and talk
to backing services. The root holds the shared files: CI workflows, compose, Terraform,
CODEOWNERS, a Procfile. About one file in eight sits in a vendored folder (``node_modules``,
``vendor``) that the analysers skip. The same ``(files, seed)`` always gives the same bytes.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from pathlib import Path

LANGUAGES = ("python", "javascript", "typescript", "go", "java", "ruby")
_EXTENSION = {
    "python": "py",
    "javascript": "js",
    "typescript": "ts",
    "go": "go",
    "java": "java",
    "ruby": "rb",
}
COMPONENT_FILES = 250  # a component every ~250 files, as in a mid-sized monorepo
VENDORED_SHARE = 0.12
WORDS = [
    *("order", "invoice", "customer", "payment", "shipment", "stock", "price", "cart"),
    *("user", "session", "token", "report", "catalog", "search", "review", "refund"),
    *("ledger", "account", "audit", "event", "queue", "batch"),
]


def _word(rng: random.Random) -> str:
    return rng.choice(WORDS)


def _python(rng: random.Random, index: int) -> str:
    name = _word(rng)
    lines = [
        f'"""The {name} module {index}."""',
        "import logging",
        "import os",
        "import signal",
        "import sys",
        "",
        "logger = logging.getLogger(__name__)",
        f'{name.upper()}_URL = os.environ.get("{name.upper()}_URL", "http://localhost:8080")',
        'DATABASE_URL = os.environ["DATABASE_URL"]',
        "",
    ]
    if rng.random() < 0.2:
        lines += [
            "def _stop(signum, frame):",
            '    logger.info("stopping")',
            "    sys.exit(0)",
            "",
            "signal.signal(signal.SIGTERM, _stop)",
            "",
        ]
    if rng.random() < 0.1:
        lines += ['REDIS = "redis://cache.internal:6379/0"', ""]
    if rng.random() < 0.05:
        lines += ['logging.basicConfig(filename="/var/log/app.log")', ""]
    for f in range(rng.randint(3, 12)):
        verb = rng.choice(("load", "save", "check", "build", "send"))
        lines += [
            f"def {verb}_{name}_{f}(item, retries=3):",
            f'    """{verb.title()} one {name}; retried because the network is not reliable."""',
            f'    logger.info("{verb} {name}", extra={{"id": item.get("id"), "n": {f}}})',
            "    total = 0",
            "    for attempt in range(retries):",
            "        total += attempt * len(str(item))",
            "        if total > 100:",
            "            break",
            f'    print("done", total)  # {name} #{f}',
            "    return total",
            "",
        ]
    return "\n".join(lines) + "\n"


def _javascript(rng: random.Random, index: int) -> str:
    name = _word(rng)
    lines = [
        f"// The {name} module {index}.",
        "const express = require('express');",
        "const pino = require('pino');",
        "const log = pino();",
        f"const {name}Url = process.env.{name.upper()}_URL || 'http://localhost:3000';",
        "const port = process.env.PORT || 3000;",
        "",
    ]
    if rng.random() < 0.2:
        lines += [
            "process.on('SIGTERM', () => {",
            "  log.info('stopping');",
            "  process.exit(0);",
            "});",
            "",
        ]
    if rng.random() < 0.1:
        lines += ["const app = express();", "app.listen(port);", ""]
    for f in range(rng.randint(3, 12)):
        lines += [
            f"function handle{name.title()}{f}(request, response) {{",
            f"  log.info({{ id: request.id, step: {f} }}, 'handling {name}');",
            "  const items = (request.body || []).map((x) => x * 2);",
            "  if (items.length > 10) {",
            "    console.log('large batch', items.length);",
            "  }",
            f"  return response.json({{ {name}: items, from: {name}Url }});",
            "}",
            "",
        ]
    lines.append(f"module.exports = {{ handle{name.title()}0 }};")
    return "\n".join(lines) + "\n"


def _go(rng: random.Random, index: int) -> str:
    name = _word(rng)
    lines = [
        f"// Package {name} holds module {index}.",
        f"package {name}",
        "",
        'import (\n\t"log/slog"\n\t"os"\n\t"os/signal"\n\t"syscall"\n)',
        "",
        f'var {name}URL = os.Getenv("{name.upper()}_URL")',
        "",
    ]
    if rng.random() < 0.2:
        lines += [
            "func waitForStop() {",
            "\tstop := make(chan os.Signal, 1)",
            "\tsignal.Notify(stop, syscall.SIGTERM, os.Interrupt)",
            "\t<-stop",
            "}",
            "",
        ]
    for f in range(rng.randint(3, 12)):
        lines += [
            f"func Handle{name.title()}{f}(items []int) int {{",
            "\ttotal := 0",
            "\tfor _, item := range items {",
            "\t\ttotal += item",
            "\t}",
            f'\tslog.Info("handled {name}", "total", total, "step", {f})',
            "\treturn total",
            "}",
            "",
        ]
    return "\n".join(lines) + "\n"


def _java(rng: random.Random, index: int) -> str:
    name = _word(rng).title()
    lines = [
        "package com.example.app;",
        "",
        "import org.slf4j.Logger;",
        "import org.slf4j.LoggerFactory;",
        "",
        f"/** The {name} service {index}. */",
        f"public class {name}Service{index} {{",
        f"    private static final Logger LOG =\n"
        f"        LoggerFactory.getLogger({name}Service{index}.class);",
        f'    private final String url = System.getenv("{name.upper()}_URL");',
        "",
    ]
    for f in range(rng.randint(3, 10)):
        lines += [
            f"    public int handle{f}(int[] items) {{",
            "        int total = 0;",
            "        for (int item : items) {",
            "            total += item;",
            "        }",
            f'        LOG.info("handled {{}} items in step {f}", items.length);',
            "        return total;",
            "    }",
            "",
        ]
    lines.append("}")
    return "\n".join(lines) + "\n"


def _ruby(rng: random.Random, index: int) -> str:
    name = _word(rng)
    lines = [
        f"# The {name} module {index}.",
        "require 'logger'",
        "",
        f"module {name.title()}{index}",
        "  LOG = Logger.new($stdout)",
        f"  URL = ENV.fetch('{name.upper()}_URL', 'http://localhost:9292')",
        "",
    ]
    if rng.random() < 0.2:
        lines += ["  Signal.trap('TERM') { exit }", ""]
    for f in range(rng.randint(3, 10)):
        lines += [
            f"  def self.handle_{f}(items)",
            "    total = items.sum",
            f'    LOG.info("handled {name} step {f}: #{{total}}")',
            "    total",
            "  end",
            "",
        ]
    lines.append("end")
    return "\n".join(lines) + "\n"


_SOURCE = {
    "python": _python,
    "javascript": _javascript,
    "typescript": _javascript,
    "go": _go,
    "java": _java,
    "ruby": _ruby,
}


def _dockerfile(rng: random.Random, language: str, name: str) -> str:
    base = {
        "python": ("python:3.12-slim", "pip install --no-cache-dir -r requirements.txt"),
        "javascript": ("node:20-alpine", "npm ci --omit=dev"),
        "typescript": ("node:20-alpine", "npm ci && npm run build"),
        "go": ("golang:1.22", "go build -o /app ./..."),
        "java": ("eclipse-temurin:21-jdk", "./gradlew build"),
        "ruby": ("ruby:3.3-slim", "bundle install"),
    }[language]
    image = base[0] if rng.random() < 0.6 else base[0].split(":")[0] + ":latest"
    lines = [
        f"FROM {image} AS build",
        "WORKDIR /src",
        "COPY . .",
        f"RUN {base[1]}",
        "",
        f"FROM {image}",
        "WORKDIR /app",
        "COPY --from=build /src /app",
        "ENV PORT=8080",
        "EXPOSE 8080",
    ]
    if rng.random() < 0.5:
        lines.append("USER 10001")
    if rng.random() < 0.3:
        lines.append("HEALTHCHECK CMD wget -qO- http://localhost:8080/health || exit 1")
    lines.append(f'CMD ["./{name}"]')
    return "\n".join(lines) + "\n"


def _manifest(rng: random.Random, language: str, name: str) -> dict[str, str]:
    deps = [f"lib-{_word(rng)}-{i}" for i in range(rng.randint(8, 30))]
    if language == "python":
        pins = [f"{d}=={rng.randint(0, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 9)}" for d in deps]
        pyproject = "\n".join(
            [
                "[project]",
                f'name = "{name}"',
                'version = "1.0.0"',
                'requires-python = ">=3.11"',
                "dependencies = [",
                *[f'    "{d}>=1",' for d in deps[:8]],
                "]",
            ]
        )
        return {"requirements.txt": "\n".join(pins) + "\n", "pyproject.toml": pyproject + "\n"}
    if language in ("javascript", "typescript"):
        versions = {d: f"^{rng.randint(1, 9)}.{rng.randint(0, 20)}.0" for d in deps}
        package = (
            "{\n"
            f'  "name": "{name}",\n  "version": "1.0.0",\n'
            '  "scripts": {"start": "node index.js", "test": "jest"},\n'
            '  "engines": {"node": ">=20"},\n  "dependencies": {\n'
            + ",\n".join(f'    "{d}": "{v}"' for d, v in versions.items())
            + "\n  }\n}\n"
        )
        packages = ",\n".join(
            f'    "node_modules/{d}": {{"version": "{v[1:]}", '
            f'"resolved": "https://registry.npmjs.org/{d}/-/{d}-{v[1:]}.tgz", '
            f'"integrity": "sha512-{hashlib.sha256(d.encode()).hexdigest()}"}}'
            for d, v in versions.items()
        )
        lock = (
            f'{{\n  "name": "{name}",\n  "lockfileVersion": 3,\n  "requires": true,\n'
            f'  "packages": {{\n    "": {{"name": "{name}"}},\n{packages}\n  }}\n}}\n'
        )
        return {"package.json": package, "package-lock.json": lock}
    if language == "go":
        mod = f"module example.com/{name}\n\ngo 1.22\n\nrequire (\n" + "".join(
            f"\tgithub.com/example/{d} v1.{i}.0\n" for i, d in enumerate(deps)
        )
        sums = "".join(
            f"github.com/example/{d} v1.{i}.0 h1:{hashlib.sha256(d.encode()).hexdigest()[:43]}=\n"
            for i, d in enumerate(deps)
        )
        return {"go.mod": mod + ")\n", "go.sum": sums}
    if language == "java":
        body = "".join(
            f"    implementation 'com.example:{d}:{rng.randint(1, 5)}.0.0'\n" for d in deps
        )
        return {"build.gradle": f"plugins {{ id 'java' }}\n\ndependencies {{\n{body}}}\n"}
    gems = "".join(f"gem '{d}', '~> {rng.randint(1, 7)}.0'\n" for d in deps)
    lock = "GEM\n  remote: https://rubygems.org/\n  specs:\n" + "".join(
        f"    {d} ({rng.randint(1, 7)}.0.{i})\n" for i, d in enumerate(deps)
    )
    return {"Gemfile": "source 'https://rubygems.org'\n" + gems, "Gemfile.lock": lock}


def _k8s(rng: random.Random, name: str) -> dict[str, str]:
    replicas = rng.randint(1, 4)
    limits = "" if rng.random() < 0.3 else "            limits: {cpu: 500m, memory: 256Mi}\n"
    deployment = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
        f"  name: {name}\n  labels:\n    app.kubernetes.io/name: {name}\n"
        f"spec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      app: {name}\n"
        f"  template:\n    metadata:\n      labels:\n        app: {name}\n    spec:\n"
        f"      containers:\n        - name: {name}\n"
        f"          image: registry.example.com/{name}:1.{rng.randint(0, 40)}.0\n"
        "          ports:\n            - containerPort: 8080\n"
        "          env:\n            - name: DATABASE_URL\n              valueFrom:\n"
        f"                secretKeyRef: {{name: {name}-db, key: url}}\n"
        "          resources:\n            requests: {cpu: 100m, memory: 128Mi}\n"
        f"{limits}"
        "          readinessProbe:\n            httpGet: {path: /health, port: 8080}\n"
    )
    service = (
        f"apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n"
        f"  selector:\n    app: {name}\n  ports:\n    - port: 80\n      targetPort: 8080\n"
    )
    return {"k8s/deployment.yaml": deployment, "k8s/service.yaml": service}


def _doc(rng: random.Random, name: str, index: int) -> str:
    paragraphs = [
        f"# {name.title()} notes {index}",
        "",
        f"How the {name} component works, and how to run it locally.",
        "",
        "```bash",
        "export DATABASE_URL=postgres://localhost/dev",
        "make run",
        "```",
        "",
    ]
    for p in range(rng.randint(2, 8)):
        paragraphs += [
            f"## Section {p}",
            " ".join(_word(rng) for _ in range(rng.randint(30, 90))) + ".",
            "",
        ]
    return "\n".join(paragraphs)


def _root_files(rng: random.Random, components: list[tuple[str, str]], name: str) -> dict[str, str]:
    names = [name for name, _ in components]
    workflow = (
        "name: ci\non:\n  push:\n    branches: [main]\n  pull_request:\n"
        "jobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v4\n      - uses: actions/setup-python@v5\n"
        "        with: {python-version: '3.12'}\n      - run: make test\n"
        "  build:\n    needs: test\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - run: docker build -t registry.example.com/app:${{ github.sha }} .\n"
    )
    compose = "services:\n" + "".join(
        f"  {name}:\n    build: services/{name}\n    environment:\n"
        f"      DATABASE_URL: postgres://postgres@db/{name}\n    ports: ['{8000 + i}:8080']\n"
        for i, name in enumerate(names[:20])
    )
    compose += "  db:\n    image: postgres:16\n  cache:\n    image: redis:7\n"
    terraform = (
        'resource "aws_s3_bucket" "artifacts" {\n  bucket = "example-artifacts"\n}\n\n'
        'resource "aws_sqs_queue" "jobs" {\n  name = "jobs"\n'
        "  visibility_timeout_seconds = 60\n}\n\n"
        'resource "aws_security_group" "web" {\n  name = "web"\n  ingress {\n'
        '    from_port = 443\n    to_port = 443\n    protocol = "tcp"\n'
        '    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n'
    )
    return {
        ".github/workflows/ci.yml": workflow,
        ".github/workflows/release.yml": workflow.replace("name: ci", "name: release"),
        "compose.yaml": compose,
        "terraform/main.tf": terraform,
        "terraform/variables.tf": 'variable "region" {\n  default = "eu-west-1"\n}\n',
        "CODEOWNERS": "".join(
            f"/services/{n}/ @example/team-{i % 5}\n" for i, n in enumerate(names)
        )
        or "* @example/platform\n",
        "Procfile": "web: gunicorn app.wsgi\nworker: celery -A app worker\n",
        ".env.example": "DATABASE_URL=postgres://localhost/dev\nREDIS_URL=redis://localhost:6379/0\n",
        "Makefile": "test:\n\tpytest -q\nrun:\n\tdocker compose up\n",
        "README.md": _doc(rng, "repository", 0),
        "catalog-info.yaml": (
            "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n"
            f"  name: {name}\n"
            "spec:\n  type: service\n  owner: team-platform\n  lifecycle: production\n"
        ),
    }


def generate(files: int, seed: int = 7, name: str = "monorepo") -> Iterator[tuple[str, bytes]]:
    """``(relative path, content)`` pairs, exactly ``files`` of them, deterministic per seed.

    ``name`` is the component its ``catalog-info.yaml`` declares (the service discovery finds).
    """
    rng = random.Random(f"{seed}:{files}")
    count = max(1, files // COMPONENT_FILES)
    components = [(f"{_word(rng)}-{i:03d}", LANGUAGES[i % len(LANGUAGES)]) for i in range(count)]
    out: dict[str, str] = {}
    for path, text in _root_files(rng, components, name).items():
        out[path] = text
    for component, language in components:
        base = f"services/{component}"
        out[f"{base}/Dockerfile"] = _dockerfile(rng, language, component)
        out[f"{base}/README.md"] = _doc(rng, component, 0)
        for path, text in {**_manifest(rng, language, component), **_k8s(rng, component)}.items():
            out[f"{base}/{path}"] = text
        if rng.random() < 0.3:
            out[f"{base}/scripts/entrypoint.sh"] = (
                f'#!/bin/sh\nset -e\nexec ./{component} --port "${{PORT:-8080}}"\n'
            )
    ordered = list(out.items())[:files]
    yield from ((path, text.encode()) for path, text in ordered)
    remaining = files - len(ordered)
    vendored = int(remaining * VENDORED_SHARE)
    for index in range(remaining):
        component, language = components[index % count]
        base = f"services/{component}"
        pick = rng.random()
        if index < vendored:
            folder = "node_modules" if language in ("javascript", "typescript") else "vendor"
            package = f"lib-{_word(rng)}-{index % 40}"
            yield (
                f"{base}/{folder}/{package}/file{index}.{_EXTENSION[language]}",
                _SOURCE[language](rng, index).encode(),
            )
        elif pick < 0.08:
            yield f"{base}/docs/{_word(rng)}-{index}.md", _doc(rng, component, index).encode()
        elif pick < 0.10:
            yield (
                f"{base}/config/{_word(rng)}-{index}.yaml",
                (
                    f"{_word(rng)}:\n  url: ${{{component.upper().replace('-', '_')}_URL}}\n"
                    f"  timeout: {rng.randint(1, 30)}\n  retries: 3\n"
                ).encode(),
            )
        else:
            other = language if pick < 0.9 else rng.choice(LANGUAGES)
            folder = "tests" if pick > 0.75 else f"src/{_word(rng)}"
            yield (
                f"{base}/{folder}/{_word(rng)}_{index}.{_EXTENSION[other]}",
                _SOURCE[other](rng, index).encode(),
            )


def write_repository(root: Path, files: int, seed: int = 7) -> int:
    """Write the repository under ``root`` (created); the number of bytes written."""
    written = 0
    made: set[Path] = set()
    for rel, data in generate(files, seed):
        path = root / rel
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        path.write_bytes(data)
        written += len(data)
    return written

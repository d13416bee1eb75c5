"""A repository of hostile long lines is scored quickly, and still read (issue 13, item 2).

Before the regexes were made linear, one 200 KB ``RUN echo AAAA…`` line took 133 s to score
(and again on every scan, since checks re-run on stored facts); a 450 KB ``.env`` line of
spaces and repeated ``.-a`` / ``a.`` in a Procfile, a compose ``command`` or a Kubernetes
argument took tens of seconds each.
"""

from __future__ import annotations

import time
from datetime import date

import pytest

from scorecards.checks.context import CheckContext
from scorecards.collectors.localdir import collect_directory
from scorecards.engine import evaluate_service
from tests.security.canaries import write_tree

KB = 1000
BUDGET_CPU_SECONDS = 30.0

HOSTILE_FILES = {
    "Dockerfile": (
        "FROM python:3.12-slim\nRUN echo " + "A" * 200 * KB + '\nCMD ["gunicorn", "shop.wsgi"]\n'
    ),
    ".env": "DB_PASSWORD=x" + " " * 450 * KB + "x\nDEBUG=false\n",
    "Procfile": "web: gunicorn " + ".-a" * 60 * KB + "\nworker: " + "a." * 100 * KB + "\n",
    "compose.yaml": (
        "services:\n  web:\n    build: .\n    command: gunicorn " + ".-a" * 60 * KB + "\n"
        "  worker:\n    build: .\n    command: " + "a." * 100 * KB + "\n"
    ),
    "deploy/k8s/deployment.yaml": (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: shop\nspec:\n  template:\n"
        "    spec:\n      containers:\n        - name: web\n          image: shop:1.0.0\n"
        '          args: ["' + ".-a" * 60 * KB + '"]\n'
    ),
    "scripts/entrypoint.sh": "#!/bin/sh\nexec gunicorn " + "-a " * 60 * KB + "\n",
    "shop/settings.py": 'import os\nURL = "' + "://a:" * 40 * KB + '@"\n',
    "requirements.txt": "django==5.2.1\ngunicorn==23.0.0\n",
}


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    root = write_tree(tmp_path_factory.mktemp("hostile") / "shop", HOSTILE_FILES)
    start = time.process_time()
    facts = collect_directory(root)
    report = evaluate_service(CheckContext(repo=facts), today=date(2026, 12, 1))
    return facts, report, time.process_time() - start


def test_hostile_long_lines_are_scored_within_the_budget(scored):
    _facts, report, cpu_seconds = scored
    assert cpu_seconds < BUDGET_CPU_SECONDS, f"{cpu_seconds:.1f} s of CPU"
    assert report.results and 0 <= report.score.score <= 100


def test_the_long_lines_were_read_not_skipped(scored):
    facts, _report, _cpu = scored
    run = [i for d in facts["dockerfiles"] for i in d["instructions"] if i["instruction"] == "RUN"]
    assert run and run[0]["value"].startswith("echo AAAA")
    assignments = {a["name"]: a for f in facts["env_files"] for a in f["assignments"]}
    assert assignments["DB_PASSWORD"]["has_value"] and "DEBUG" in assignments
    processes = {p["type"] for f in facts["procfiles"] for p in f["processes"]}
    assert processes == {"web", "worker"}
    assert {d["path"] for d in facts["documents"]} >= {"compose.yaml", "deploy/k8s/deployment.yaml"}

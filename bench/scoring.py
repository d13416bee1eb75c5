"""Scoring: the check catalogue over 10,000 services' stored facts, checks per second.

Pure domain, no database: the facts are built once from the bundled demo organisation
(``demo/``: its repositories through the local collector, its AWS and Kubernetes exports
through the offline collectors, joined per service by discovery, as a scan does), then varied
per service -- each of the 10,000 gets a demo service's facts with a seeded share of its
signals, documents, lock files and scripts dropped, so results differ between copies. Only
``evaluate_service`` (every check, waivers, scoring) is timed.

    .venv/bin/python bench/scoring.py                 # 10,000 services
    .venv/bin/python bench/scoring.py --services 500  # quicker
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from measure import ROOT, machine  # noqa: E402

from scorecards.checks.context import CheckContext  # noqa: E402
from scorecards.collectors.aws import AwsConfig, collect_aws  # noqa: E402
from scorecards.collectors.kubernetes import KubeConfig, collect_kubernetes  # noqa: E402
from scorecards.collectors.localdir import collect_directory  # noqa: E402
from scorecards.discovery import (  # noqa: E402
    RepoEntry,
    resolve_services,
    slice_aws,
    slice_kubernetes,
)
from scorecards.engine import evaluate_service  # noqa: E402

TODAY = date(2026, 12, 1)
VARIED = ("signals", "documents", "lockfiles", "scripts", "env_files", "dockerfiles")


def demo_services(demo: Path) -> list[tuple[str, dict | None, dict | None, dict | None]]:
    """(name, repository facts, AWS facts, Kubernetes facts) of every demo service."""
    repos = {path.name: collect_directory(path) for path in sorted((demo / "repos").iterdir())}
    aws = collect_aws(AwsConfig(offline_dir=str(demo / "aws")))
    kube = collect_kubernetes(KubeConfig(offline_dir=str(demo / "kubernetes")))
    specs = resolve_services(
        [RepoEntry(full_name=f"demo/{name}", facts=facts) for name, facts in repos.items()],
        aws.get("resources", []),
        kube.get("objects", []),
    )
    services = []
    for spec in specs:
        facts = repos.get(spec.repository.rsplit("/", 1)[-1]) if spec.repository else None
        services.append(
            (
                spec.name,
                facts,
                slice_aws(aws, spec.aws_arns),
                slice_kubernetes(kube, spec.k8s_locators),
            )
        )
    return services


def variant(facts: dict | None, rng: random.Random) -> dict | None:
    """A copy of ``facts`` missing a random share of its findings (lists shared otherwise)."""
    if facts is None:
        return None
    copy = dict(facts)
    for key in VARIED:
        items = facts.get(key) or []
        if items and rng.random() < 0.5:
            keep = rng.uniform(0.3, 1.0)
            copy[key] = [item for item in items if rng.random() < keep]
    return copy


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    print(f"machine: {machine()}")

    started = time.perf_counter()
    base = demo_services(ROOT / "demo")
    rng = random.Random(args.seed)
    contexts = []
    for index in range(args.services):
        _name, repo, aws, kube = base[index % len(base)]
        contexts.append((variant(repo, rng), aws, kube))
    print(
        f"facts: {len(base)} demo services varied into {args.services:,} "
        f"(built in {time.perf_counter() - started:.1f} s, not timed)"
    )

    statuses: Counter[str] = Counter()
    levels: Counter[str] = Counter()
    checks = 0
    wall_started, cpu_started = time.perf_counter(), time.process_time()
    for repo, aws, kube in contexts:
        report = evaluate_service(CheckContext(repo=repo, aws=aws, kubernetes=kube), today=TODAY)
        checks += len(report.results)
        statuses.update(str(result.status) for result in report.results)
        levels[report.score.level] += 1
    wall = time.perf_counter() - wall_started
    cpu = time.process_time() - cpu_started

    decided = checks - statuses["na"]
    print(
        f"{args.services:,} services, {checks:,} checks evaluated ({decided:,} not 'na') in "
        f"{wall:.2f} s wall, {cpu:.2f} s CPU (one process)"
    )
    print(
        f"throughput: {checks / wall:,.0f} checks/s, {args.services / wall:,.0f} services/s "
        f"({wall / args.services * 1000:.2f} ms per service); per CPU second (what the process "
        f"got of a shared core): {checks / cpu:,.0f} checks/s, {args.services / cpu:,.0f} "
        f"services/s"
    )
    print("statuses: " + ", ".join(f"{k} {v:,}" for k, v in sorted(statuses.items())))
    print("levels: " + ", ".join(f"{k} {v:,}" for k, v in sorted(levels.items())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

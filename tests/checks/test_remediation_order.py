"""Remediation for the ecosystem found: a service reads the examples of its own languages
first, and the checks the 2026.12 decisions touch cover every ecosystem of the framework
table where the fix differs."""

from __future__ import annotations

from pathlib import Path

import pytest

from scorecards.checks import frameworks
from scorecards.checks.context import CheckContext
from scorecards.checks.registry import catalogue
from scorecards.checks.remediation import order_remediation, segments
from scorecards.collectors.localdir import collect_directory
from scorecards.engine import evaluate_service
from tests.checks.helpers import TODAY

DEMO = Path(__file__).resolve().parents[2] / "demo" / "repos"
TEXT = """**Why.** Because.

Python:
```python
x = os.environ["X"]
```

Node.js: `process.env.X`, wrapped over a line
that ends with a colon:

Kubernetes:
```yaml
env: []
```

Go:
```go
x := os.Getenv("X")
```
"""


def labels(text: str) -> list[str | None]:
    return [eco for eco, _ in segments(text)]


def test_language_segments_are_found_and_wrapped_prose_is_not_a_label():
    assert labels(TEXT) == [None, "python", "node", "", "go"]


def test_the_detected_ecosystems_come_first_and_platform_blocks_stay():
    ordered = order_remediation(TEXT, ["go", "node"])
    assert labels(ordered) == [None, "go", "node", "", "python"]
    assert ordered.index("os.Getenv") < ordered.index("process.env") < ordered.index("environ[")
    assert ordered.startswith("**Why.** Because.")
    # Nothing is lost or duplicated.
    assert sorted(ordered.split()) == sorted(TEXT.split())


def test_without_detected_ecosystems_the_text_is_unchanged():
    assert order_remediation(TEXT, []) == TEXT


@pytest.fixture(scope="module")
def legacy_shop():
    facts = collect_directory(DEMO / "legacy-shop")
    return evaluate_service(CheckContext(repo=facts), today=TODAY)


def test_legacy_shop_is_a_node_service(legacy_shop):
    assert legacy_shop.ecosystems[0] == "node"


@pytest.mark.parametrize(
    "check_id", ["deps.lockfile", "config.no-hardcoded-endpoints", "telemetry.instrumented"]
)
def test_legacy_shop_sees_node_examples_first(legacy_shop, check_id):
    result = next(r for r in legacy_shop.results if r.id == check_id)
    assert result.status == "fail"
    first = next(eco for eco, _ in segments(result.remediation) if eco)
    assert first == "node"
    text = result.remediation
    assert text.index("Node.js") < text.index("Python")


TOUCHED = [
    "deps.lockfile",
    "config.env-settings",
    "config.no-hardcoded-secrets",
    "config.no-hardcoded-endpoints",
    "backing.attached-by-url",
    "port.binding",
    "port.from-env",
    "logs.stdout",
    "disposability.graceful-shutdown",
    "parity.same-backing-services",
    "telemetry.instrumented",
]


@pytest.mark.parametrize("check_id", TOUCHED)
def test_touched_checks_cover_every_ecosystem_of_the_framework_table(check_id):
    table = {f.ecosystem for f in frameworks.FRAMEWORKS}
    covered = {eco for eco, _ in segments(catalogue()[check_id].remediation) if eco}
    assert table <= covered, sorted(table - covered)

"""The shared views over repository facts that many checks read (scorecards/checks/deployables)."""

from scorecards.checks import deployables
from scorecards.checks.context import CheckContext


def _signal(rule: str, path: str, line: int) -> dict:
    return {"rule": rule, "path": path, "line": line, "lang": "python", "excerpt": "", "detail": {}}


SIGNALS = [
    _signal("logging.stdout", "app/main.py", 1),
    _signal("env.read", "app/main.py", 2),
    _signal("logging.file.config", "app/settings.py", 3),
    _signal("logging.stdout", "tests/test_main.py", 4),
    _signal("logging.stdout.node", "web/index.js", 5),
]


def test_signals_of_one_rule_leave_out_tests_unless_asked():
    ctx = CheckContext(repo={"signals": SIGNALS})

    assert [s["line"] for s in deployables.signals(ctx, "logging.stdout")] == [1]
    assert [s["line"] for s in deployables.signals(ctx, "logging.stdout", False)] == [1, 4]


def test_a_rule_prefix_gathers_every_rule_below_it_in_the_facts_order():
    ctx = CheckContext(repo={"signals": SIGNALS})

    found = deployables.signals(ctx, "logging.", production_only=False)

    assert [(s["rule"], s["line"]) for s in found] == [
        ("logging.stdout", 1),
        ("logging.file.config", 3),
        ("logging.stdout", 4),
        ("logging.stdout.node", 5),
    ]


def test_has_path_searches_production_paths_only():
    paths = ["Dockerfile", "docs/Dockerfile", "services/api/Dockerfile", "tests/Dockerfile"]
    ctx = CheckContext(repo={"paths": paths})

    assert deployables.has_path(ctx, r"(^|/)Dockerfile$") == [
        "Dockerfile",
        "services/api/Dockerfile",
    ]

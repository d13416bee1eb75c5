"""The signal scanner: rules over lines, comments skipped, bounded work, redacted excerpts."""

import time

from scorecards.collectors.repo_files.signals import SignalRule
from scorecards.collectors.repo_files.source_scan import scan_with_rules

ENV_READ = SignalRule(
    "env.read",
    frozenset({"python", "javascript", "typescript"}),
    r"""(?:os\.getenv|os\.environ\.get|os\.environ)\s*[(\[]\s*["'](\w+)|process\.env\.(\w+)""",
    detail=lambda match, line: {"name": match[1] or match[2]},
)
SETTINGS_ONLY = SignalRule(
    "config.debug", frozenset({"python"}), r"\bDEBUG\s*=\s*True", files=r"settings"
)
EVEN_COMMENTS = SignalRule("todo.marker", frozenset({"python"}), r"TODO", skip_comments=False)
DROPPING = SignalRule(
    "env.dropped", frozenset({"python"}), r"getenv", detail=lambda match, line: None
)


def names(signals: list[dict]) -> list[tuple[int, str]]:
    return [(s["line"], s["detail"].get("name")) for s in signals]


def test_it_builds_signals_with_line_language_excerpt_and_detail():
    (signal,) = scan_with_rules("app/config.py", 'PORT = os.getenv("PORT")\n', "python", [ENV_READ])
    assert signal == {
        "rule": "env.read",
        "path": "app/config.py",
        "line": 1,
        "lang": "python",
        "excerpt": 'PORT = os.getenv("PORT")',
        "detail": {"name": "PORT"},
    }


def test_it_reports_every_match_on_a_line():
    text = 'A = os.environ["A"]; B = os.environ.get("B")\n'
    assert names(scan_with_rules("x.py", text, "python", [ENV_READ])) == [(1, "A"), (1, "B")]


def test_it_skips_python_comments_trailing_comments_and_docstrings():
    text = '''"""Reads os.getenv("IN_MODULE_DOC")."""
import os
# os.getenv("COMMENTED")
A = os.getenv("A")  # os.getenv("TRAILING")


def f():
    """
    Example: os.getenv("IN_DOCSTRING")
    """
    query = """
    os.getenv("IN_A_STRING")
    """
    return os.getenv("B")
'''
    assert names(scan_with_rules("x.py", text, "python", [ENV_READ])) == [
        (4, "A"),
        (12, "IN_A_STRING"),
        (14, "B"),
    ]


def test_it_keeps_a_hash_inside_a_string_literal():
    text = 'URL = "http://x/#" + os.getenv("A")\n'
    assert names(scan_with_rules("x.py", text, "python", [ENV_READ])) == [(1, "A")]


def test_it_skips_c_style_line_and_block_comments():
    text = """// process.env.LINE_COMMENT
/*
 * process.env.IN_BLOCK
 */
const url = "http://example.com"; const port = process.env.PORT; // process.env.TRAILING
"""
    assert names(scan_with_rules("server.js", text, "javascript", [ENV_READ])) == [(5, "PORT")]


def test_it_matches_comments_when_a_rule_asks_to():
    signals = scan_with_rules("x.py", "# TODO: remove\n", "python", [EVEN_COMMENTS])
    assert [s["line"] for s in signals] == [1]


def test_it_runs_only_rules_for_the_language_and_the_file_pattern():
    text = "DEBUG = True\n"
    assert scan_with_rules("proj/settings/prod.py", text, "python", [SETTINGS_ONLY])
    assert scan_with_rules("proj/views.py", text, "python", [SETTINGS_ONLY]) == []
    assert scan_with_rules("proj/settings.rb", text, "ruby", [SETTINGS_ONLY]) == []


def test_it_drops_matches_whose_detail_function_returns_none():
    assert scan_with_rules("x.py", 'os.getenv("A")\n', "python", [DROPPING]) == []


def test_it_skips_minified_lines_and_bounds_the_number_of_signals():
    minified = "var a=process.env.A;" * 200
    assert scan_with_rules("app.min.js", minified + "\n", "javascript", [ENV_READ]) == []
    many = 'os.getenv("X")\n' * 5000
    assert len(scan_with_rules("x.py", many, "python", [ENV_READ])) == 2000


def test_it_redacts_secret_literals_in_excerpts():
    rule = SignalRule("config.literal", frozenset({"python"}), r"DB_PASSWORD")
    (signal,) = scan_with_rules("s.py", 'DB_PASSWORD = "Pr0dPassw0rd!"\n', "python", [rule])
    assert "Pr0dPassw0rd!" not in signal["excerpt"] and "«redacted»" in signal["excerpt"]


def test_it_scans_five_thousand_typical_files_in_seconds():
    rules = [ENV_READ, SETTINGS_ONLY, EVEN_COMMENTS] + [
        SignalRule(f"perf.rule{i}", frozenset({"python"}), rf"\bimport\s+module{i}\b")
        for i in range(40)
    ]
    body = (
        "".join(
            f'def handler_{i}(event):\n    """Handle {i}."""\n'
            f'    value = compute(event["k{i}"])  # note\n'
            "    return value\n"
            for i in range(60)
        )
        + 'PORT = os.getenv("PORT")\n'
    )
    start = time.perf_counter()
    total = sum(len(scan_with_rules(f"app/m{n}.py", body, "python", rules)) for n in range(5000))
    assert total == 5000
    assert time.perf_counter() - start < 20

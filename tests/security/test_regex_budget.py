"""No regular expression of the engine is slow on a hostile 100 KB line (issue 13, item 2).

Every pattern the engine modules compile or call inline (``regex_inventory``) runs on lines made
of the shapes that make a backtracking pattern quadratic. ``findall`` is the measure: it does
the work of ``search`` (its first step) and of ``match`` (search's first step), then more.

Running all 500+ patterns on 40 shapes of 100 KB takes minutes, so each pair is first run on
10 KB: a call over ``SCREEN_BUDGET`` there fails at once, and every pair that takes more than
``ESCALATE_AT`` (where a quadratic pattern could reach the budget at 100 KB) runs again on
100 KB within ``BUDGET_SECONDS``. A linear pattern stays far below both; a quadratic one takes
seconds to hours. Times are CPU times, so a busy machine does not fail the test. The
detect-secrets plugins' own patterns, which this project does not write, are held to the
budget on the longest line they are ever given.
"""

from __future__ import annotations

import re
import time
from functools import cache

import pytest

from scorecards.collectors.repo_files import secrets
from tests.security.regex_inventory import engine_patterns

SIZE = 100_000
SCREEN_SIZE = 10_000
BUDGET_SECONDS = 2.0
SCREEN_BUDGET = 0.2
# 100 times this (quadratic growth from 10 KB to 100 KB) is still below the budget.
ESCALATE_AT = 0.015
# Shapes that make backtracking patterns quadratic: long runs of one character class, and
# repeated fragments that each look like the start of a match (a flag, a URL, an assignment).
_UNITS = {
    "letters": "A",
    "digits": "7",
    "spaces": " ",
    "tabs": "\t",
    "newlines": "\n",
    "blank-lines": " \n",
    "dots": ".",
    "dot-dash-a": ".-a",
    "a-dot": "a.",
    "versions": "1.",
    "equals": "=",
    "colons": ":",
    "slashes": "/",
    "backslashes": "\\",
    "ats": "@",
    "double-quotes": '"',
    "single-quotes": "'",
    "backticks": "`",
    "a-equals": "a=",
    "dash-a": "-a ",
    "dashes": "-",
    "dollar-brace": "${",
    "braces": "{{",
    "closing-braces": "}}a",
    "url-scheme": "://",
    "url-userinfo": "://a:",
    "colon-space": "a: ",
    "name-quote": 'a"',
    "underscores": "_",
    "words": "ab_",
    "mixed": "a-b.c_d=e:f/g@h ",
    "shell": "$(a) ",
    "pass": "pass",
    "key-equals": "key=",
    "base64": "QUJD+/",
    "hex": "0123456789abcdef",
}


@cache
def pathological(size: int = SIZE) -> dict[str, str]:
    strings = {name: (unit * (size // len(unit) + 1))[:size] for name, unit in _UNITS.items()}
    # Long runs that end in what almost completes a match.
    strings["spaces-then-x"] = "DB_PASSWORD=x" + " " * size + "x"
    strings["echo-run"] = "RUN echo " + "A" * size
    strings["assignment-spaces"] = "A=" + " " * size + "B"
    strings["userinfo-then-at"] = "://a:" * (size // 5) + "@"
    strings["action-then-spaces"] = "{{ a" + " " * size
    return strings


def _cpu_seconds(pattern: re.Pattern, text: str) -> float:
    start = time.process_time()
    pattern.findall(text)
    return time.process_time() - start


def _slow_calls(pattern: re.Pattern, size: int = SIZE, shapes: tuple[str, ...] = ()) -> list[str]:
    """The shapes on which ``pattern`` is over budget at ``size`` characters."""
    screen, full = pathological(min(size, SCREEN_SIZE)), pathological(size)
    slow = []
    for name, text in screen.items():
        if shapes and name not in shapes:
            continue
        elapsed = _cpu_seconds(pattern, text)
        if elapsed > SCREEN_BUDGET:
            slow.append(f"{name}: {elapsed:.2f} s on {len(text):,} characters")
        elif elapsed > ESCALATE_AT and size > SCREEN_SIZE:
            elapsed = _cpu_seconds(pattern, full[name])
            if elapsed > BUDGET_SECONDS:
                slow.append(f"{name}: {elapsed:.2f} s on {len(full[name]):,} characters")
    return slow


@pytest.fixture(scope="module")
def patterns():
    return engine_patterns()


def test_the_inventory_reaches_every_kind_of_pattern(patterns):
    where = {place for place, _ in patterns.values()}
    texts = {text for text, _flags in patterns}
    assert len(patterns) > 400
    for place in (
        "scorecards.checks.results._URL_PASSWORD",
        "scorecards.collectors.repo_files.redaction._FLAG_IN_TEXT",
        "scorecards.collectors.repo_files.envfiles._ASSIGNMENT",
        "scorecards.checks.deps (inline)",  # re.findall(r"...") inside a function
        "scorecards.collectors.repo_files.signals.env.RULES",  # inside frozen dataclasses
        "signals rule env.read (whole file)",  # compiled at run time
        "detect-secrets basic-auth",
    ):
        assert place in where, place
    assert any(r"\.(?:sh|bash)\b" in text for text in texts)


def test_every_engine_regex_is_fast_on_hostile_100kb_lines(patterns):
    offenders = []
    for (text, _flags), (where, pattern) in patterns.items():
        third_party = where.startswith("detect-secrets")
        slow = _slow_calls(pattern, secrets.MAX_LINE_LENGTH if third_party else SIZE)
        if slow:
            offenders.append(f"{where}: {text[:120]!r} — {'; '.join(slow)}")
    assert not offenders, "regexes slow on hostile lines:\n" + "\n".join(offenders)


def test_the_screen_catches_a_quadratic_pattern():
    # The Dockerfile pattern of issue 13 as it was: each start scans the whole run of letters.
    quadratic = re.compile(r"[\w./-]+\.(?:sh|bash)\b")
    assert _slow_calls(quadratic, shapes=("echo-run",))
    linear = re.compile(r"(?<![\w./-])[\w./-]+\.(?:sh|bash)\b")
    assert _slow_calls(linear, shapes=("echo-run", "dot-dash-a", "a-dot")) == []

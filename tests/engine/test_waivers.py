"""Repository waivers as code: only reasoned, dated, unexpired waivers of known checks apply."""

from datetime import date

from scorecards.waivers import parse_waivers

TODAY = date(2026, 11, 25)
KNOWN = {"logs.structured", "deps.lockfile"}


def test_a_valid_waiver_applies():
    config = {
        "waivers": [
            {"check": "logs.structured", "reason": "sidecar parses", "expires": "2027-01-31"}
        ]
    }
    waivers, problems = parse_waivers(config, ".twelve-factor.yml", KNOWN, TODAY)
    assert [w.check for w in waivers] == ["logs.structured"]
    assert waivers[0].author == "repository"
    assert problems == []


def test_expired_reasonless_undated_and_unknown_waivers_are_ignored_and_reported():
    config = {
        "waivers": [
            {"check": "logs.structured", "reason": "old", "expires": "2026-01-01"},
            {"check": "deps.lockfile", "expires": "2027-01-01"},
            {"check": "deps.lockfile", "reason": "later", "expires": "soon"},
            {"check": "nope.nothing", "reason": "x", "expires": "2027-01-01"},
        ]
    }
    waivers, problems = parse_waivers(config, ".twelve-factor.yml", KNOWN, TODAY)
    assert waivers == []
    assert len(problems) == 4
    assert "expired on 2026-01-01" in problems[0]
    assert "no reason" in problems[1]
    assert "no valid `expires`" in problems[2]
    assert "unknown check 'nope.nothing'" in problems[3]


def test_yaml_dates_are_accepted_as_written():
    config = {"waivers": [{"check": "deps.lockfile", "reason": "r", "expires": date(2027, 2, 1)}]}
    waivers, _ = parse_waivers(config, "p", KNOWN, TODAY)
    assert waivers[0].expires == date(2027, 2, 1)

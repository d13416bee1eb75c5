"""Fingerprints stay stable across line moves; excerpts stay one short line."""

from scorecards.checks.results import Evidence, fingerprint, short_excerpt


def test_a_fingerprint_ignores_line_numbers():
    a = fingerprint("deps.base-image-pinned", [Evidence("Dockerfile:1", "FROM node")])
    b = fingerprint("deps.base-image-pinned", [Evidence("Dockerfile:7", "FROM node")])
    assert a == b


def test_a_fingerprint_changes_with_the_place_and_the_check():
    a = fingerprint("deps.base-image-pinned", [Evidence("Dockerfile:1")])
    assert a != fingerprint("deps.base-image-pinned", [Evidence("api/Dockerfile:1")])
    assert a != fingerprint("build.image-tag-immutable", [Evidence("Dockerfile:1")])


def test_an_excerpt_is_one_short_line():
    text = short_excerpt("a\n  b\t c" + "x" * 500)
    assert "\n" not in text
    assert len(text) <= 160
    assert text.startswith("a b c")

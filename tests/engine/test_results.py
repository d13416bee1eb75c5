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


def test_excerpts_never_carry_a_password_written_in_a_url():
    from scorecards.checks.results import short_excerpt

    excerpt = short_excerpt('DATABASE_URL: "postgres://app:hunter2hunter2@db:5432/app"')
    assert "hunter2hunter2" not in excerpt
    assert "postgres://app:«redacted»@db:5432/app" in excerpt
    assert "redis://:«redacted»@cache" in short_excerpt("redis://:tops3cret@cache:6379/0")


def test_excerpts_keep_url_password_placeholders_which_are_references():
    from scorecards.checks.results import short_excerpt

    line = "postgres://app:${DB_PASSWORD}@db/app and https://example.com/a:b@c"
    assert short_excerpt(line) == line

"""Exclude globs from a repository's own ``.twelve-factor.yml`` cannot stall a scan (issue 13).

``*a*a*a*a*b`` used to backtrack through every split of a long file name: 17 s for one
200-letter name, for every file of the repository.
"""

from __future__ import annotations

import random
import time

import pytest

from scorecards.collectors.repo_files import walk


def _plain_regex(glob: str):
    """The glob compiled the way it was before the stars were made atomic."""
    original = walk._commit_inner_stars
    walk.glob_regex.cache_clear()
    try:
        walk._commit_inner_stars = "".join
        return walk.glob_regex(glob)
    finally:
        walk._commit_inner_stars = original
        walk.glob_regex.cache_clear()


def test_many_stars_on_a_long_name_are_fast():
    path = "src/" + "a" * 250
    for glob in ("*a" * 12 + "*b", "src/*a*a*a*a*a*a*a*a*b", "**/*a*a*a*a*a*a*x/*.py"):
        start = time.process_time()
        assert not walk.glob_regex(glob).match(path)
        assert time.process_time() - start < 0.5, glob


@pytest.mark.parametrize("seed", range(4))
def test_atomic_stars_match_exactly_what_the_plain_glob_matched(seed):
    rng = random.Random(seed)
    for _ in range(300):
        glob = "".join(rng.choice(["*", "a", "b", "?", "/", "**/", ".", "[ab]"]) for _ in range(6))
        if not glob.strip("/"):
            continue
        path = "/".join(
            "".join(rng.choice("ab.") for _ in range(rng.randint(1, 6)))
            for _ in range(rng.randint(1, 3))
        )
        expected = bool(_plain_regex(glob).match(path))
        assert bool(walk.glob_regex(glob).match(path)) == expected, (glob, path)

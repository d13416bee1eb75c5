"""``.gitignore`` read without git: the files ``git ls-files -co --exclude-standard`` lists."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from scorecards.collectors.repo_files import walk
from scorecards.collectors.repo_files.gitignore import Budget, IgnoreRules, parse_rule


def rules(text: str) -> IgnoreRules:
    return IgnoreRules().extended(text, ())


@pytest.mark.parametrize(
    ("pattern", "path", "is_dir", "ignored"),
    [
        ("*.log", "a/b/c.log", False, True),
        ("*.log", "a/b/c.logs", False, False),
        ("build/", "pkg/build", True, True),
        ("build/", "pkg/build", False, False),
        ("/top.txt", "top.txt", False, True),
        ("/top.txt", "a/top.txt", False, False),
        ("docs/*.md", "docs/a.md", False, True),
        ("docs/*.md", "docs/x/a.md", False, False),
        ("docs/**/a.md", "docs/a.md", False, True),
        ("docs/**/a.md", "docs/x/y/a.md", False, True),
        ("**/cache", "x/y/cache", True, True),
        ("abc/**", "abc", True, False),
        ("abc/**", "abc/x/y", False, True),
        ("[ab]?.c", "b1.c", False, True),
        ("[!ab]?.c", "b1.c", False, False),
        ("\\#hash", "#hash", False, True),
        ("\\!bang", "!bang", False, True),
        ("# a comment", "# a comment", False, False),
        ("trailing   ", "trailing", False, True),
        ("foo*bar*baz", "fooXbarYbarZbaz", False, True),
        ("foo*bar*baz", "foobazbar", False, False),
        ("a**b", "aXYb", False, True),
        ("[z-a]x", "bx", False, False),
    ],
)
def test_patterns_follow_gitignore(pattern, path, is_dir, ignored):
    assert rules(pattern).ignored(tuple(path.split("/")), is_dir) is ignored


def test_a_later_negation_re_includes_and_a_later_rule_wins_again():
    text = "*.env\n!example.env\nsecret/example.env\n"
    assert rules(text).ignored(("prod.env",), False)
    assert not rules(text).ignored(("example.env",), False)
    assert rules(text).ignored(("secret", "example.env"), False)


def test_rules_of_a_subfolder_apply_only_below_it():
    nested = IgnoreRules().extended("*.tmp\n", ("sub",))
    assert nested.ignored(("sub", "x.tmp"), False)
    assert not nested.ignored(("other", "x.tmp"), False)


def test_blank_and_overlong_lines_are_no_rule():
    assert parse_rule("") is None and parse_rule("#x") is None and parse_rule("/") is None
    assert parse_rule("a" * 2000) is None


def test_a_spent_budget_keeps_only_the_table_rules():
    table_and_others = rules("*.log\ndocs/**/x.md\n")
    budget = Budget(left=0)
    assert table_and_others.ignored(("a.log",), False, budget)
    assert not table_and_others.ignored(("docs", "x.md"), False, budget)
    assert budget.exhausted


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True)
    return done.stdout


TREE = {
    ".gitignore": (
        "*.log\n!keep.log\n/build-out/\ncache/\ndocs/**/draft-*.md\nsecrets/*\n!secrets/README\n"
        "tmp/**\n!tmp/keep/\n[Tt]humbs.db\n\\#notes\n*.sw?\nvendor-*/\n**/logs/**\n*.[oa]\n"
        "deep/**/out/\n!*.keep\n"
    ),
    "app.py": "x",
    "debug.log": "x",
    "keep.log": "x",
    "sub/.gitignore": "*.py\n!main.py\n/local.txt\n",
    "sub/main.py": "x",
    "sub/helper.py": "x",
    "sub/local.txt": "x",
    "sub/deeper/local.txt": "x",
    "sub/deeper/x.log": "x",
    "build-out/a.js": "x",
    "src/build-out/a.js": "x",
    "src/cache/a": "x",
    "cache": "a file named like an ignored folder",
    "docs/draft-1.md": "x",
    "docs/a/b/draft-2.md": "x",
    "docs/final.md": "x",
    "secrets/key.pem": "x",
    "secrets/README": "x",
    "tmp/a.txt": "x",
    "tmp/keep/b.txt": "x",
    "Thumbs.db": "x",
    "thumbs.db": "x",
    "#notes": "x",
    "file.swp": "x",
    "file.swx": "x",
    "vendor-a/lib.js": "x",
    "vendor-b": "x",
    "nested/inside.py": "x",
    "x/logs/a.txt": "x",
    "logs/b.txt": "x",
    "lib.o": "x",
    "lib.a": "x",
    "lib.c": "x",
    "deep/out/z": "x",
    "deep/q/r/out/z": "x",
    "deep/q/out": "a file",
    "tmp/x.keep": "re-included? no: tmp/** excluded its folder contents, not tmp itself",
}


def checkout(root: Path) -> None:
    git(root, "init", "-q")
    for rel, text in TREE.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    git(root / "nested", "init", "-q")  # a nested repository: neither git nor we list it


def test_the_listing_is_what_git_ls_files_lists(tmp_path):
    checkout(tmp_path)
    (tmp_path / ".git" / "info").mkdir(exist_ok=True)
    (tmp_path / ".git" / "info" / "exclude").write_text("file.swx\n")
    expected = sorted(
        line
        for line in git(tmp_path, "ls-files", "-co", "--exclude-standard").splitlines()
        if not line.endswith("/")  # the nested repository, which git names but does not list
    )
    assert walk.list_tree(tmp_path, []).paths == expected
    assert "debug.log" not in expected and "sub/main.py" in expected  # the tree tests something


def test_a_subfolder_scan_honours_the_ignore_files_above_it(tmp_path):
    checkout(tmp_path)
    expected = git(tmp_path / "sub", "ls-files", "-co", "--exclude-standard").splitlines()
    assert walk.list_tree(tmp_path / "sub", []).paths == sorted(expected)
    assert walk.list_tree(tmp_path / "sub", []).paths == [
        ".gitignore",
        "deeper/local.txt",
        "main.py",
    ]

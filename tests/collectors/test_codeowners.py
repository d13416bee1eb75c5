"""CODEOWNERS: patterns and owners, with GitLab sections."""

from scorecards.collectors.repo_files.codeowners import parse_codeowners


def test_it_reads_patterns_and_owners_with_lines():
    text = "# owners\n*       @acme/platform\n/docs/  @alice bob@acme.com  # writers\n"
    parsed = parse_codeowners(".github/CODEOWNERS", text)
    assert parsed["rules"] == [
        {"pattern": "*", "owners": ["@acme/platform"], "line": 2},
        {"pattern": "/docs/", "owners": ["@alice", "bob@acme.com"], "line": 3},
    ]


def test_it_keeps_unowned_patterns_with_no_owners():
    parsed = parse_codeowners("CODEOWNERS", "*.md @acme/docs\n/generated/\n")
    assert parsed["rules"][1] == {"pattern": "/generated/", "owners": [], "line": 2}


def test_it_applies_gitlab_section_default_owners():
    text = "[Backend][2] @acme/backend\napp/\n^[Docs]\ndocs/ @acme/docs\n"
    rules = parse_codeowners("CODEOWNERS", text)["rules"]
    assert rules[0] == {"pattern": "app/", "owners": ["@acme/backend"], "line": 2}
    assert rules[1]["owners"] == ["@acme/docs"]


def test_it_keeps_escaped_spaces_and_hashes_in_patterns():
    rules = parse_codeowners("CODEOWNERS", "my\\ file.txt @me\n\\#notes @you\n")["rules"]
    assert rules[0]["pattern"] == "my file.txt"
    assert rules[1]["pattern"] == "\\#notes"

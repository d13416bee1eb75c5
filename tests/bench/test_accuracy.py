"""bench/accuracy.py: the arithmetic of agreement, false fails and abstentions."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import accuracy  # noqa: E402
from accuracy import Verdict, compare, summarise  # noqa: E402


def label(check, expected, confidence="clear"):
    evidence = f"{check}:1"
    return {"check": check, "expected": expected, "evidence": evidence, "confidence": confidence}


def corpus_in(tmp_path, labels, repo="acme/shop"):
    (tmp_path / "trees" / repo.replace("/", "+")).mkdir(parents=True)
    return [{"repo": repo, "commit": "0" * 40, "labels": labels}]


def fake_scan(verdicts):
    return lambda tree: {c: Verdict(status, f"{c} seen") for c, status in verdicts.items()}


def test_agreement_false_fails_and_abstentions_are_counted_over_their_own_denominators(tmp_path):
    corpus = corpus_in(
        tmp_path,
        [
            label("a.one", "pass"),  # agrees
            label("a.two", "pass"),  # false fail
            label("a.three", "fail"),  # abstention (unknown)
            label("a.four", "warn", "judgement"),  # abstention (na)
            label("a.five", "unknown"),  # agrees; not a deciding label
            label("a.six", "pass", "judgement"),  # warn: disagreement, not a false fail
        ],
    )
    scan = fake_scan(
        {
            "a.one": "pass",
            "a.two": "fail",
            "a.three": "unknown",
            "a.four": "na",
            "a.five": "unknown",
            "a.six": "warn",
        }
    )

    comparisons, missing = compare(corpus, tmp_path / "trees", scan)
    summary = summarise(comparisons)

    assert missing == []
    assert summary["labels"] == 6
    assert summary["agreement"]["clear"] == {"labels": 4, "agree": 2, "agreement": 50.0}
    assert summary["agreement"]["judgement"] == {"labels": 2, "agree": 0, "agreement": 0.0}
    assert summary["false_fails"] == {"count": 1, "over": 3, "rate": 33.3}
    assert summary["abstentions"] == {"count": 2, "over": 5, "rate": 40.0}
    assert summary["per_check"]["a.one"] == {"labels": 1, "agree": 1, "agreement": 100.0}
    assert [d["check"] for d in summary["disagreements"]] == ["a.two", "a.three", "a.four", "a.six"]
    assert summary["disagreements"][0]["scanner_evidence"] == "a.two seen"


def test_a_repository_without_an_exported_tree_is_reported_not_scored(tmp_path):
    corpus = corpus_in(tmp_path, [label("a.one", "pass")])
    corpus.append({"repo": "other/app", "commit": "1" * 40, "labels": [label("a.one", "fail")]})

    comparisons, missing = compare(corpus, tmp_path / "trees", fake_scan({"a.one": "pass"}))

    assert missing == ["other/app"]
    assert [c.repo for c in comparisons] == ["acme/shop"]


def test_a_check_the_scanner_did_not_run_is_a_disagreement(tmp_path):
    corpus = corpus_in(tmp_path, [label("a.gone", "pass")])

    comparisons, _ = compare(corpus, tmp_path / "trees", fake_scan({}))

    assert comparisons[0].got == "absent"
    assert not comparisons[0].agrees


def test_a_tree_the_scanner_cannot_score_counts_as_errors_not_a_crash(tmp_path):
    corpus = corpus_in(tmp_path, [label("a.one", "pass"), label("a.two", "fail")])

    def broken(tree):
        raise ValueError("bad yaml")

    comparisons, _ = compare(corpus, tmp_path / "trees", broken)

    assert [c.got for c in comparisons] == ["error", "error"]
    assert "ValueError: bad yaml" in comparisons[0].scanner_evidence


def test_empty_denominators_give_no_rate_rather_than_zero():
    summary = summarise([])

    assert summary["false_fails"]["rate"] is None
    assert summary["abstentions"]["rate"] is None
    assert summary["agreement"]["clear"]["agreement"] is None


def test_the_command_scores_a_real_tree_with_the_projects_scanner(tmp_path, capsys):
    tree = tmp_path / "trees" / "acme+shop"
    tree.mkdir(parents=True)
    (tree / "package.json").write_text('{"name": "shop", "dependencies": {"express": "4.18.2"}}')
    labels = tmp_path / "labels.json"
    labels.write_text(
        json.dumps(
            {
                "repos": [
                    {
                        "repo": "acme/shop",
                        "commit": "0" * 40,
                        "labels": [label("deps.manifest", "pass"), label("deps.manifest", "fail")],
                    }
                ]
            }
        )
    )

    argv = ["--trees", str(tmp_path / "trees"), "--labels", str(labels), "--json"]
    assert accuracy.main(argv) == 0
    printed = json.loads(capsys.readouterr().out)

    assert printed["labels"] == 2
    assert printed["agreement"]["all"]["agree"] == 1
    assert printed["disagreements"][0]["expected"] == "fail"
    assert printed["disagreements"][0]["got"] == "pass"
    assert printed["missing_trees"] == []


def git(cwd, *args):
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_export_unpacks_the_labelled_commit_and_survives_an_absent_blob(tmp_path):
    sys.path.insert(0, str(ROOT / "bench" / "corpus"))
    from export import export

    work = tmp_path / "work"
    (work / "src").mkdir(parents=True)
    (work / "src" / "app.py").write_text("print('hi')\n")
    (work / "big.bin").write_text("large file the snapshot lists but does not hold\n")
    git(work, "init", "-q")
    git(work, "add", ".")
    git(work, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "c")
    commit = git(work, "rev-parse", "HEAD")

    assert export(work / ".git", commit, tmp_path / "out") == 0
    assert (tmp_path / "out" / "src" / "app.py").read_text() == "print('hi')\n"

    blob = git(work, "rev-parse", "HEAD:big.bin")
    (work / ".git" / "objects" / blob[:2] / blob[2:]).unlink()

    assert export(work / ".git", commit, tmp_path / "again") == 1
    assert (tmp_path / "again" / "src" / "app.py").read_text() == "print('hi')\n"
    assert not (tmp_path / "again" / "big.bin").exists()

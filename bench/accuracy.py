"""Accuracy of repository scoring against hand-made labels of real public repositories.

Each labelled repository is an exported tree ``DIR/owner+name/`` (``bench/corpus/export.py``
makes them from fetched bare repositories). The tree is scored in-process, as
``manage.py score_repo`` does, and each label is compared with the scanner's status.

    .venv/bin/python bench/accuracy.py --trees /tmp/corpus-trees
    .venv/bin/python bench/accuracy.py --trees /tmp/corpus-trees --json

Figures (all over the labels whose tree is present):

- agreement: scanner status == expected status, per check and overall, split by the label's
  confidence (``clear`` or ``judgement``);
- false fails: the scanner says ``fail`` where the label says ``pass``; the rate is over the
  labels that expect ``pass``;
- abstentions: the scanner says ``unknown`` or ``na`` where the label decides (expects
  ``pass``, ``fail`` or ``warn``); the rate is over those deciding labels.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_LABELS = ROOT / "bench" / "corpus" / "labels.json"
DECIDING = {"pass", "fail", "warn"}
ABSTAINING = {"unknown", "na"}


@dataclass
class Verdict:
    status: str
    evidence: str


@dataclass
class Comparison:
    repo: str
    check: str
    expected: str
    got: str
    confidence: str
    label_evidence: str
    scanner_evidence: str

    @property
    def agrees(self) -> bool:
        return self.expected == self.got


def tree_name(repo: str) -> str:
    """``owner/name`` -> the folder name of its exported tree."""
    return repo.replace("/", "+")


def load_labels(path: Path) -> list[dict]:
    """The corpus: a list of ``{repo, commit, labels: [...]}`` entries."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return data["repos"] if isinstance(data, dict) else data


def scan_tree(tree: Path) -> dict[str, Verdict]:
    """Check id -> the scanner's verdict on a tree, scored as ``score_repo`` scores it."""
    # Imported here so that the arithmetic below can be used (and tested) on its own.
    from scorecards.checks.context import CheckContext
    from scorecards.collectors.localdir import collect_directory
    from scorecards.engine import evaluate_service

    facts = collect_directory(tree.resolve())
    report = evaluate_service(CheckContext(repo=facts), today=date.today(), service=tree.name)
    return {result.id: _verdict(result.as_dict()) for result in report.results}


def _verdict(result: dict) -> Verdict:
    shown = []
    for item in result.get("evidence", [])[:2]:
        shown.append(f"{item.get('locator', '')} {item.get('excerpt', '')}".strip())
    text = "; ".join(shown) or result.get("message", "")
    return Verdict(status=result["status"], evidence=text[:200])


def compare(
    corpus: Iterable[dict], trees: Path, scan: Callable[[Path], dict[str, Verdict]] = scan_tree
) -> tuple[list[Comparison], list[str]]:
    """Every label beside the scanner's verdict; also the repositories with no tree."""
    comparisons: list[Comparison] = []
    missing: list[str] = []
    for entry in corpus:
        tree = trees / tree_name(entry["repo"])
        if not tree.is_dir():
            missing.append(entry["repo"])
            continue
        try:
            verdicts = scan(tree)
        except Exception as exc:  # one broken tree must not hide the figures of the others
            verdicts = {}
            failure = Verdict("error", f"scanner raised {type(exc).__name__}: {exc}"[:200])
        else:
            failure = Verdict("absent", "check not run")
        for label in entry["labels"]:
            verdict = verdicts.get(label["check"], failure)
            comparisons.append(
                Comparison(
                    repo=entry["repo"],
                    check=label["check"],
                    expected=label["expected"],
                    got=verdict.status,
                    confidence=label.get("confidence", "clear"),
                    label_evidence=label.get("evidence", ""),
                    scanner_evidence=verdict.evidence,
                )
            )
    return comparisons, missing


def _rate(hits: int, total: int) -> float | None:
    return None if total == 0 else round(100.0 * hits / total, 1)


def summarise(comparisons: list[Comparison]) -> dict:
    """The figures of the module docstring, as numbers and counts."""
    per_check: dict[str, dict] = {}
    for c in comparisons:
        row = per_check.setdefault(c.check, {"labels": 0, "agree": 0})
        row["labels"] += 1
        row["agree"] += c.agrees
    for row in per_check.values():
        row["agreement"] = _rate(row["agree"], row["labels"])

    def agreement(confidence: str) -> dict:
        chosen = [c for c in comparisons if c.confidence == confidence]
        agree = sum(c.agrees for c in chosen)
        return {"labels": len(chosen), "agree": agree, "agreement": _rate(agree, len(chosen))}

    expect_pass = [c for c in comparisons if c.expected == "pass"]
    false_fails = [c for c in expect_pass if c.got == "fail"]
    deciding = [c for c in comparisons if c.expected in DECIDING]
    abstained = [c for c in deciding if c.got in ABSTAINING]
    agree_all = sum(c.agrees for c in comparisons)
    return {
        "repositories": len({c.repo for c in comparisons}),
        "labels": len(comparisons),
        "agreement": {
            "all": {
                "labels": len(comparisons),
                "agree": agree_all,
                "agreement": _rate(agree_all, len(comparisons)),
            },
            "clear": agreement("clear"),
            "judgement": agreement("judgement"),
        },
        "false_fails": {
            "count": len(false_fails),
            "over": len(expect_pass),
            "rate": _rate(len(false_fails), len(expect_pass)),
        },
        "abstentions": {
            "count": len(abstained),
            "over": len(deciding),
            "rate": _rate(len(abstained), len(deciding)),
        },
        "per_check": dict(sorted(per_check.items())),
        "disagreements": [asdict(c) for c in comparisons if not c.agrees],
    }


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"


def render_text(summary: dict, missing: list[str]) -> str:
    lines = [f"{summary['repositories']} repositories, {summary['labels']} labels"]
    if missing:
        lines.append(f"no exported tree for {len(missing)}: {', '.join(missing)}")
    for name in ("all", "clear", "judgement"):
        row = summary["agreement"][name]
        lines.append(
            f"agreement ({name}): {_percent(row['agreement'])} ({row['agree']}/{row['labels']})"
        )
    ff, ab = summary["false_fails"], summary["abstentions"]
    shown = f"{_percent(ff['rate'])} ({ff['count']}/{ff['over']})"
    lines.append(f"false fails (fail where pass): {shown}")
    lines.append(
        f"abstentions (unknown/na where the label decides): {_percent(ab['rate'])}"
        f" ({ab['count']}/{ab['over']})"
    )
    lines += ["", "| check | labels | agree | agreement |", "|---|---|---|---|"]
    for check, row in summary["per_check"].items():
        rate = _percent(row["agreement"])
        lines.append(f"| {check} | {row['labels']} | {row['agree']} | {rate} |")
    lines += ["", f"disagreements ({len(summary['disagreements'])}):"]
    for d in summary["disagreements"]:
        lines.append(
            f"- {d['repo']} {d['check']}: expected {d['expected']} ({d['confidence']}), "
            f"got {d['got']}\n    label: {d['label_evidence']}"
            f"\n    scanner: {d['scanner_evidence']}"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trees", required=True, type=Path, help="folder of owner+name/ trees")
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    comparisons, missing = compare(load_labels(args.labels), args.trees)
    summary = summarise(comparisons)
    if args.json:
        print(json.dumps({**summary, "missing_trees": missing}, indent=2))
    else:
        sys.stdout.write(render_text(summary, missing))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

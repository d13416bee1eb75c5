"""The local source: one repository that cannot be read never loses the others' facts."""

from pathlib import Path

from scorecards import sources


def repository(root: Path, name: str) -> Path:
    folder = root / name
    folder.mkdir()
    (folder / "Dockerfile").write_text("FROM python:3.12-slim\n")
    return folder


def test_a_repository_whose_collection_crashes_is_failed_alone(settings, tmp_path, monkeypatch):
    bad, good = repository(tmp_path, "bad"), repository(tmp_path, "good")
    settings.LOCAL_REPOSITORIES = [str(bad), str(good)]
    collect = sources.collect_directory

    def crashing_on_bad(root):
        if Path(root).name == "bad":
            raise RecursionError("maximum recursion depth exceeded")
        return collect(root)

    monkeypatch.setattr(sources, "collect_directory", crashing_on_bad)
    output = sources.collect_local({})
    assert {repo.full_name: repo.status for repo in output.repos} == {
        "bad": "failed",
        "good": "fetched",
    }
    good_facts = next(repo.facts for repo in output.repos if repo.full_name == "good")
    assert good_facts["paths"] == ["Dockerfile"]
    assert output.errors == ["bad: RecursionError: maximum recursion depth exceeded"]

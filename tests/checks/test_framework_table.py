"""The framework table in docs/checks-guide.md is generated from scorecards/checks/frameworks.py."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from scorecards.checks import frameworks

ROOT = Path(__file__).resolve().parents[2]


def _renderer():
    spec = importlib.util.spec_from_file_location(
        "render_framework_table", ROOT / "scripts" / "render_framework_table.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_checks_guide_shows_the_current_framework_table():
    renderer = _renderer()
    text = renderer.DOC.read_text(encoding="utf-8")
    assert renderer.BEGIN in text and renderer.END in text
    assert renderer.rendered(text) == text, "run python scripts/render_framework_table.py"


def test_the_table_names_every_framework_the_issue_lists():
    names = {f.key for f in frameworks.FRAMEWORKS}
    wanted = {"django", "flask", "fastapi", "express", "nest", "next", "spring-boot",
              "aspnet-core", "rails", "laravel", "go-net-http", "gin", "actix", "axum"}  # fmt: skip
    assert wanted <= names
    table = frameworks.markdown_table()
    assert all(f.name in table for f in frameworks.FRAMEWORKS)


def test_a_changed_default_makes_the_doc_stale():
    renderer = _renderer()
    text = renderer.DOC.read_text(encoding="utf-8")
    stale = text.replace("Kestrel binds its own port", "Kestrel binds nothing")
    assert renderer.rendered(stale) != stale

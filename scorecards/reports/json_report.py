"""The JSON report: the shape documented in the README (and consumed by CI jobs)."""

from __future__ import annotations

import json

from scorecards.engine import Report


def render_json(report: Report) -> str:
    return json.dumps(report.as_dict(), indent=2, ensure_ascii=False) + "\n"

"""The scorecard page orders each check's remediation examples by the service's languages."""

from __future__ import annotations

import pytest

from scorecards import roles
from tests.factories import make_service, record_scorecard
from tests.web.users import make_person

pytestmark = pytest.mark.django_db


def test_the_scorecard_page_shows_the_service_ecosystem_first(client):
    client.force_login(make_person("nora", roles.VIEWER))
    service = make_service("shop-node")
    card = record_scorecard(service, statuses={"deps.lockfile": "fail"})
    card.ecosystems = ["node"]
    card.save(update_fields=["ecosystems"])
    html = client.get(f"/services/{service.slug}/").content.decode()
    section = html[html.index("Generate the lock file") :]
    assert section.index("Node.js") < section.index("Python, uv")

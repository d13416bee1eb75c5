"""SARIF per service, valid against the SARIF 2.1.0 subset schema of the engine tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft7Validator

pytestmark = pytest.mark.django_db
SCHEMA = json.loads(
    (Path(__file__).resolve().parents[1] / "engine" / "sarif_2_1_0_subset.schema.json").read_text()
)


def test_the_sarif_of_a_service_is_valid_and_locates_its_failures(api, org):
    response = api("/api/v1/services/billing/sarif")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/sarif+json"
    sarif = json.loads(response.content)
    Draft7Validator(SCHEMA).validate(sarif)
    (run,) = sarif["runs"]
    (result,) = run["results"]
    assert result["ruleId"] == "config.no-hardcoded-secrets"
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "app/settings.py"
    assert location["region"] == {"startLine": 12}
    assert run["versionControlProvenance"] == [
        {"repositoryUri": "https://github.com/acme-corp/billing", "revisionId": "c" * 40}
    ]


def test_a_service_never_scanned_has_no_sarif(api, org):
    assert api("/api/v1/services/indexer/sarif").status_code == 404

"""Which names are secrets, which values are references, and how env shapes are redacted."""

from __future__ import annotations

import pytest

from scorecards.checks.results import REDACTED
from scorecards.collectors.repo_files.redaction import (
    is_reference,
    is_secret_name,
    redact_env_mapping,
)


@pytest.mark.parametrize(
    "name",
    [
        "DB_PASSWORD",
        "POSTGRES_PASSWORD",
        "apiKey",
        "STRIPE_API_KEY",
        "GITHUB_TOKEN",
        "client_secret",
        "AWS_SECRET_ACCESS_KEY",
        "PRIVATE_KEY",
        "SECRET_KEY_BASE",
        "dbPass",
        "spring.datasource.password",
        "GOOGLE_CREDENTIALS",
        "APIKEY",
    ],
)
def test_it_recognises_secret_names(name: str):
    assert is_secret_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "SECRET_ARN",
        "PASSWORD_FILE",
        "TOKEN_URL",
        "DB_SECRET_NAME",
        "existingSecret",
        "secretName",
        "AWS_ACCESS_KEY_ID",
        "PORT",
        "DATABASE_HOST",
        "CACHE_KEY_PREFIX",
        "PWD",
        "MAX_TOKENS",
        "KEYCLOAK_REALM",
    ],
)
def test_it_treats_references_and_plain_names_as_not_secret(name: str):
    assert not is_secret_name(name)


@pytest.mark.parametrize(
    "value",
    [
        {"Ref": "DbSecret"},
        "${ssm:/db/password}",
        "{{resolve:secretsmanager:db}}",
        "${{ secrets.TOKEN }}",
        "{{ .Values.password }}",
        "$(DB_PASSWORD)",
        "$DB_PASSWORD",
        "arn:aws:secretsmanager:eu-west-1:1:secret:db",
    ],
)
def test_it_keeps_references(value):
    assert is_reference(value)


def test_it_redacts_literals_in_a_mapping_only_for_secret_names():
    redacted = redact_env_mapping(
        {"API_TOKEN": "abc", "PORT": "8080", "DB_PASSWORD": "", "SECRET_KEY": "${SECRET_KEY}"}
    )
    assert redacted == {
        "API_TOKEN": REDACTED,
        "PORT": "8080",
        "DB_PASSWORD": "",
        "SECRET_KEY": "${SECRET_KEY}",
    }


def test_it_redacts_name_value_items_and_assignment_strings():
    redacted = redact_env_mapping(
        [
            {"name": "API_KEY", "value": "plain"},
            {"Name": "DB_PASSWORD", "Value": "x"},
            {"name": "TOKEN", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}},
            "SECRET_KEY=changeme",
            "DEBUG=1",
        ]
    )
    assert redacted == [
        {"name": "API_KEY", "value": REDACTED},
        {"Name": "DB_PASSWORD", "Value": REDACTED},
        {"name": "TOKEN", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}},
        f"SECRET_KEY={REDACTED}",
        "DEBUG=1",
    ]

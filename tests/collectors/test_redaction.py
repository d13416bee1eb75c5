"""Which names are secrets, which values are references, and how env shapes are redacted."""

from __future__ import annotations

import pytest

from scorecards.checks.results import REDACTED
from scorecards.collectors.repo_files.redaction import (
    is_reference,
    is_secret_name,
    redact_env_mapping,
    redact_strings,
    redact_text,
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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("postgres://app:s3cr3t@db/shop", f"postgres://app:{REDACTED}@db/shop"),
        (
            "gunicorn app --db-password=s3cr3t --bind :8000",
            f"gunicorn app --db-password={REDACTED} --bind :8000",
        ),
        ("run --api-token 's3 cr3t' -v", f"run --api-token '{REDACTED}' -v"),
        ("API_TOKEN=s3cr3t ./run.sh", f"API_TOKEN={REDACTED} ./run.sh"),
        ("redis-server --requirepass s3cr3t", f"redis-server --requirepass {REDACTED}"),
    ],
)
def test_free_text_loses_url_passwords_secret_flags_and_assignments(text, expected):
    assert redact_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "postgres://app:${DB_PASSWORD}@db/shop",
        "run --password-file /run/secrets/db --token $TOKEN",
        "pip install --index-url https://pypi.example/simple",
        "gunicorn --bind 0.0.0.0:8000 --workers 4",
        "PASSWORD_FILE=/run/secrets/db ./start",
    ],
)
def test_free_text_keeps_references_and_harmless_flags(text):
    assert redact_text(text) == text


def test_every_string_of_a_tree_is_redacted_and_a_flag_value_in_the_next_item_too():
    tree = {"args": ["--signing-key", "k3y", "--port", "8000"], "url": "amqp://u:pw1@mq/"}
    assert redact_strings(tree) == {
        "args": ["--signing-key", REDACTED, "--port", "8000"],
        "url": f"amqp://u:{REDACTED}@mq/",
    }

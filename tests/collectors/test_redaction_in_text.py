"""Secrets written inside commands and code lines are hidden by the last pass over facts."""

from __future__ import annotations

import pytest

from scorecards.collectors.repo_files.redaction import redact_strings, redact_text

R = "«redacted»"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("curl -u admin:hunter22 https://x", f"curl -u admin:{R} https://x"),
        ('curl --user "ci:hunter22" https://x', f'curl --user "ci:{R}" https://x'),
        ("curl --user=ci:hunter22 https://x", f"curl --user=ci:{R} https://x"),
        ("mysql -uroot -phunter22 -h db", f"mysql -uroot -p{R} -h db"),
        ("cd /app && mysqldump -p'hunter22' shop", f"cd /app && mysqldump -p'{R}' shop"),
        ("export KEY=AKIAIOSFODNN7ABCDEFG", f"export KEY={R}"),
        ("id: AKIAIOSFODNN7ABCDEFG", f"id: {R}"),
        (
            'stripe = os.environ.get("STRIPE_API_KEY", "sk_test_abc123")',
            f'stripe = os.environ.get("STRIPE_API_KEY", "{R}")',
        ),
        (
            'SIGNING = os.getenv("SIGNING_SECRET") or "abc123xyz"',
            f'SIGNING = os.getenv("SIGNING_SECRET") or "{R}"',
        ),
        (
            'const token = process.env.API_TOKEN || "abc123";',
            f'const token = process.env.API_TOKEN || "{R}";',
        ),
        (
            'SECRET_KEY = env("SECRET_KEY", default="abc123")',
            f'SECRET_KEY = env("SECRET_KEY", default="{R}")',
        ),
    ],
)
def test_secrets_in_text_are_hidden(text, expected):
    assert redact_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        'curl -u "$USER:$PASSWORD" https://x',  # references, not secrets
        'mysql -p"$MYSQL_PASSWORD" shop',
        "docker run -p8080:80 -p 5432:5432 postgres",  # not a MySQL client
        'PORT = int(os.environ.get("PORT", "8000"))',  # not a secret name
        'password = os.environ.get("DB_PASSWORD", "")',  # nothing to hide
        "AKIA is how AWS key ids start",
    ],
)
def test_what_is_not_a_secret_is_kept(text):
    assert redact_text(text) == text


def test_a_user_password_in_an_argument_list_is_hidden():
    assert redact_strings(["curl", "-u", "admin:hunter22", "https://x"]) == [
        "curl",
        "-u",
        f"admin:{R}",
        "https://x",
    ]
    assert redact_strings(["curl", "-u", "$U:$P"]) == ["curl", "-u", "$U:$P"]

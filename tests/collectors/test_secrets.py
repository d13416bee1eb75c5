"""Hard-coded credentials: known token formats and secret-named literals, never leaked."""

import json
import time

import pytest

from scorecards.collectors.repo_files.secrets import find_secrets

# Built from parts so this test file itself does not look like it holds a credential.
GITHUB_TOKEN = "ghp_" + "aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"
AWS_KEY = "AKIA" + "Z5XQ3JH7LMNOPQRS"
DJANGO_KEY = "django-insecure-" + "9x$k2!abQ7pz@lm0vwq3r#t8&u5y1n"
SLACK_HOOK = "https://hooks.slack.com/services/" + "T0A1B2C3D/B0A1B2C3D/aBcDeFgHiJkLmNoPqRsTuVwX"


def rules(signals: list[dict]) -> list[tuple[int, str]]:
    return [(s["line"], s["rule"]) for s in signals]


def assert_not_leaked(signals: list[dict], *secrets: str) -> None:
    dumped = json.dumps(signals, ensure_ascii=False)
    for secret in secrets:
        assert secret not in dumped


def test_it_finds_known_token_formats_without_leaking_them():
    text = f'GITHUB = "{GITHUB_TOKEN}"\naws_key = "{AWS_KEY}"\nhook = "{SLACK_HOOK}"\n'
    signals = find_secrets("app/integrations.py", text)
    assert rules(signals) == [
        (1, "secret.github-token"),
        (2, "secret.aws-access-key"),
        (3, "secret.slack-token"),
    ]
    assert signals[0]["detail"] == {"type": "GitHub Token", "name": "GITHUB"}
    assert signals[0]["excerpt"] == 'GITHUB = "«redacted»"'
    assert signals[0]["lang"] == "python"
    assert_not_leaked(signals, GITHUB_TOKEN, AWS_KEY, SLACK_HOOK)


def test_it_ignores_aws_documentation_example_keys():
    text = 'key = "AKIAIOSFODNN7EXAMPLE"\nsecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"\n'
    assert find_secrets("docs/aws.py", text) == []


def test_it_finds_a_private_key_block():
    text = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\n-----END RSA PRIVATE KEY-----\n"
    signals = find_secrets("deploy/id_rsa", text)
    assert rules(signals) == [(1, "secret.private-key")]
    assert_not_leaked(signals, "MIIEowIBAAKCAQEA7")


def test_it_finds_the_django_insecure_secret_key_literal():
    signals = find_secrets("mysite/settings.py", f"SECRET_KEY = '{DJANGO_KEY}'\n")
    assert rules(signals) == [(1, "secret.keyword-literal")]
    assert signals[0]["detail"]["name"] == "SECRET_KEY"
    assert signals[0]["excerpt"] == "SECRET_KEY = '«redacted»'"
    assert_not_leaked(signals, DJANGO_KEY)


@pytest.mark.parametrize(
    "line",
    [
        'SECRET_KEY = os.environ["SECRET_KEY"]',
        'SECRET_KEY = os.getenv("SECRET_KEY", "changeme")',
        'password = "changeme"',
        'api_key = "your-api-key-here"',
        'token = "<TOKEN>"',
        'password = "${DB_PASSWORD}"',
        'secret = "%(secret)s"',
        'api_key = "{{ api_key }}"',
        'password = "xxxxxxxxxxxxxxxx"',
        'password = "****************"',
        'password = "example-password-1"',
        'password = "dummy-password-123"',
        'secret_key = "test-secret-key-123"',
        'TOKEN_ENV = "GITHUB_TOKEN_VALUE"',
        'password_field = "database_password_field"',
        'private_key = "/etc/keys/service.pem"',
        'token_url = "https://auth.example.com/token"',
        "password = get_password()",
        '# password = "Sup3rS3cretPassw0rd"',
        "token = None",
    ],
)
def test_it_does_not_flag_placeholders_references_or_env_lookups(line):
    assert find_secrets("app/settings.py", line + "\n") == []


def test_it_warns_about_a_high_entropy_default_of_an_env_lookup():
    default = "aB3dE5fG7hJ9kL1mN3pQ5rS7"
    signals = find_secrets(
        "app/settings.py", f'SECRET_KEY = os.getenv("SECRET_KEY", "{default}")\n'
    )
    assert rules(signals) == [(1, "secret.env-default")]
    assert_not_leaked(signals, default)


@pytest.mark.parametrize(
    ("path", "text", "name"),
    [
        (
            "config/application.yml",
            "spring:\n  datasource:\n    password: Sup3rS3cretPass9\n",
            "password",
        ),
        (
            "src/main/resources/application.properties",
            "spring.datasource.password=Sup3rS3cretPass9\n",
            "spring.datasource.password",
        ),
        ("config.json", '{\n  "apiKey": "Sup3rS3cretPass9"\n}\n', "apiKey"),
        ("deploy/.env.production", "STRIPE_API_KEY=Sup3rS3cretPass9\n", "STRIPE_API_KEY"),
        ("src/client.ts", 'const clientSecret = "Sup3rS3cretPass9";\n', "clientSecret"),
        ("Config.java", 'private static final String PASSWORD = "Sup3rS3cretPass9";\n', "PASSWORD"),
        ("main.go", 'authToken := "Sup3rS3cretPass9"\n', "authToken"),
    ],
)
def test_it_finds_secret_named_literals_in_many_file_kinds(path, text, name):
    signals = find_secrets(path, text)
    assert [(s["rule"], s["detail"]["name"]) for s in signals] == [("secret.keyword-literal", name)]
    assert_not_leaked(signals, "Sup3rS3cretPass9")


def test_it_finds_credentials_in_urls_but_not_placeholder_ones():
    # Catalogue decision 6: "postgres" is a working password; only placeholders are exempt.
    text = (
        'DATABASE_URL = "postgres://app:S3cr3tPassw0rd@db.internal/app"\n'
        'LOCAL_URL = "postgres://postgres:postgres@localhost/app"\n'
        'DOC_URL = "postgres://user:<password>@localhost/app"\n'
    )
    signals = find_secrets("app/settings.py", text)
    assert rules(signals) == [(1, "secret.basic-auth"), (2, "secret.basic-auth")]
    assert_not_leaked(signals, "S3cr3tPassw0rd")


@pytest.mark.parametrize(
    "path", ["package-lock.json", "web/yarn.lock", "static/app.min.js", "logo.svg", "app.js.map"]
)
def test_it_skips_lock_minified_and_asset_files(path):
    assert find_secrets(path, f'token = "{GITHUB_TOKEN}"\n') == []


def test_it_scans_five_thousand_typical_files_in_seconds():
    body = "".join(
        f"def handler_{i}(event, key=None):\n"
        f'    """Handle {i}."""\n'
        f'    value = compute(event["k{i}"])  # note\n'
        "    return value\n"
        for i in range(60)
    )
    start = time.perf_counter()
    assert sum(len(find_secrets(f"app/m{n}.py", body)) for n in range(5000)) == 0
    assert time.perf_counter() - start < 20


def test_a_pem_header_without_a_key_body_is_not_a_private_key():
    from scorecards.collectors.repo_files.secrets import find_secrets

    message = "raise ValueError(\"must be a PEM key ('-----BEGIN RSA PRIVATE KEY-----' ...)\")\n"
    assert find_secrets("app/config.py", message) == []
    body = "A" * 64
    pem = f"-----BEGIN RSA PRIVATE KEY-----\n{body}\n{body}\n-----END RSA PRIVATE KEY-----\n"
    assert [s["rule"] for s in find_secrets("deploy/key.pem.txt", pem)] == ["secret.private-key"]
    inline = f'{{"key": "-----BEGIN PRIVATE KEY-----\\n{body}\\n-----END PRIVATE KEY-----"}}\n'
    assert [s["rule"] for s in find_secrets("config/app.json", inline)] == ["secret.private-key"]

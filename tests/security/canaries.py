"""Canary secrets: unique values planted where real secrets live, and the proof they went nowhere.

A canary is a fresh random value shaped like the secret it stands for (an AWS secret key, the
password of a database URL, a token). ``assert_no_secret`` fails naming the canary and showing
where it surfaced, so a leak is found from the test output alone.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

REDACTED = "«redacted»"


def canary(prefix: str = "canary") -> str:
    """``canary-<hex>``: unique per call, so a hit can only come from the planted value."""
    return f"{prefix}-{secrets.token_hex(10)}"


def _as_text(value: str | bytes | bytearray | memoryview) -> str:
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", "replace")
    return value


def find_secrets_in(text: str | bytes, canaries: Iterable[str]) -> list[str]:
    """The canaries present in ``text`` (raw, or as escaped inside JSON)."""
    haystack = _as_text(text)
    found = []
    for value in canaries:
        escaped = json.dumps(value)[1:-1]  # how the value looks inside a JSON string
        if value in haystack or escaped in haystack:
            found.append(value)
    return found


def assert_no_secret(text: str | bytes, canaries: Iterable[str], where: str = "") -> None:
    """Fail when any canary appears in ``text``, quoting the text around the first hit."""
    haystack = _as_text(text)
    leaked = find_secrets_in(haystack, canaries)
    if leaked:
        at = haystack.find(leaked[0])
        context = haystack[max(0, at - 200) : at + len(leaked[0]) + 80] if at >= 0 else ""
        raise AssertionError(
            f"secret value(s) leaked{f' in {where}' if where else ''}: {leaked}\n…{context}…"
        )


@dataclass
class Canaries:
    """The planted values by what they stand for; ``values`` is what must never be seen."""

    by_role: dict[str, str] = field(default_factory=dict)

    def new(self, role: str, value: str | None = None) -> str:
        self.by_role[role] = value or canary()
        return self.by_role[role]

    @property
    def values(self) -> list[str]:
        return list(self.by_role.values())

    def __getitem__(self, role: str) -> str:
        return self.by_role[role]


def aws_secret_key() -> str:
    """40 characters of the AWS secret access key alphabet, starting with "canary"."""
    return "canary" + secrets.token_hex(17)


def aws_access_key_id() -> str:
    """``AKIA`` and 16 upper-case characters: secret whatever name it is given."""
    return "AKIA" + secrets.token_hex(8).upper()


def write_tree(root: Path, files: Mapping[str, str]) -> Path:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def canary_repository(root: Path, c: Canaries, name: str = "canary-shop") -> Path:
    """A service repository with secrets committed everywhere people commit them."""
    db_password = c.new("repo-db-password")
    env_db_password = c.new("repo-env-db-password")
    files = {
        "README.md": "# canary-shop\n\nShop service.\n",
        "catalog-info.yaml": (
            "apiVersion: backstage.io/v1alpha1\nkind: Component\n"
            f"metadata:\n  name: {name}\nspec:\n  type: service\n  owner: team-canary\n"
        ),
        "requirements.txt": "django==5.2.1\ngunicorn==23.0.0\n",
        "Procfile": f"web: gunicorn shop.wsgi --api-token={c.new('procfile-flag')}\n",
        "Dockerfile": (
            "FROM python:3.12-slim\n"
            f"ENV SESSION_SECRET={c.new('dockerfile-env')}\n"
            f"ENV BROKER_URL=amqp://shop:{c.new('dockerfile-url-password')}@mq:5672/\n"
            f"RUN curl -fsSL -u admin:{c.new('dockerfile-curl-user')} https://files.example/x.tgz\n"
            'CMD ["gunicorn", "shop.wsgi", "--bind", "0.0.0.0:8000"]\n'
        ),
        "scripts/deploy.sh": (
            "#!/bin/sh\nset -eu\n"
            f"curl -u admin:{c.new('script-curl-user')} https://deploy.example/hooks/shop\n"
            f"mysql -uroot -p{c.new('script-mysql-p')} -h db shop < schema.sql\n"
            f"./manage.py rotate --password={c.new('script-password-flag')} --verbose\n"
            f"./manage.py rotate --password {c.new('script-password-flag-spaced')}\n"
            f"git clone https://deploy:{c.new('script-url-userinfo')}@git.example/shop.git\n"
        ),
        "config/settings.json": json.dumps(
            {
                "database": {
                    "password": c.new("json-password"),
                    "url": f"https://shop:{c.new('json-url-userinfo')}@db.example/shop",
                }
            },
            indent=2,
        ),
        "compose.yaml": (
            "services:\n"
            "  web:\n"
            "    build: .\n"
            "    environment:\n"
            f"      DATABASE_URL: postgres://u:{db_password}@db/shop\n"
            f"      API_TOKEN: {c.new('compose-api-token')}\n"
            # The id's name ends in _ID (a reference, by name): only its value says "secret".
            f"      AWS_ACCESS_KEY_ID: {c.new('compose-aws-key-id', aws_access_key_id())}\n"
            f"      AWS_SECRET_ACCESS_KEY: {c.new('compose-aws-secret', aws_secret_key())}\n"
            f"    command: gunicorn shop.wsgi --db-password={c.new('compose-command-flag')}\n"
            "  worker:\n"
            "    build: .\n"
            "    environment:\n"
            f"      - REDIS_URL=redis://:{c.new('compose-list-url-password')}@cache:6379/0\n"
            f"      - API_TOKEN={c.new('compose-list-api-token')}\n"
        ),
        ".env": (
            f"DATABASE_URL=postgres://u:{env_db_password}@db/shop\n"
            f"STRIPE_SECRET_KEY={c.new('dotenv-stripe')}\n"
            "DEBUG=false\n"
        ),
        "shop/settings.py": (
            "import os\n\n"
            f'aws_secret_access_key = "{c.new("aws-secret-key", aws_secret_key())}"\n'
            f'API_TOKEN = "{c.new("python-api-token")}"\n'
            'DATABASE_URL = os.environ.get("DATABASE_URL", '
            f'"postgres://u:{c.new("python-url-default")}@localhost/shop")\n'
            # The default of a secret environment variable is that secret, whatever the
            # variable it is assigned to is called.
            f'stripe_client = os.environ.get("STRIPE_API_KEY", "{c.new("python-env-default")}")\n'
            f'SIGNING = os.environ.get("SIGNING_SECRET") or "{c.new("python-env-or-default")}"\n'
        ),
        "deploy/k8s/deployment.yaml": (
            "apiVersion: apps/v1\nkind: Deployment\n"
            "metadata:\n  name: canary-shop\n  labels:\n    app.kubernetes.io/name: canary-shop\n"
            "spec:\n  replicas: 2\n  template:\n    spec:\n      containers:\n"
            "        - name: web\n          image: registry.example/canary-shop:1.0.0\n"
            "          args:\n            - --signing-key\n"
            f"            - {c.new('k8s-manifest-arg')}\n"
            "          env:\n"
            "            - name: SESSION_SECRET\n"
            f"              value: {c.new('k8s-manifest-env')}\n"
            "            - name: DATABASE_URL\n"
            f"              value: postgres://u:{c.new('k8s-manifest-url-password')}@db/shop\n"
        ),
        "deploy/ecs/task-definition.json": json.dumps(
            {
                "family": "canary-shop",
                "containerDefinitions": [
                    {
                        "name": "web",
                        "image": "registry.example/canary-shop:1.0.0",
                        "environment": [
                            {"name": "PAYMENT_API_KEY", "value": c.new("repo-ecs-env")},
                            {
                                "name": "DATABASE_URL",
                                "value": f"postgres://u:{c.new('repo-ecs-url-password')}@db/s",
                            },
                        ],
                    }
                ],
            },
            indent=2,
        ),
        "serverless.yml": (
            "service: canary-shop-jobs\nprovider:\n  name: aws\n  runtime: python3.12\n"
            "  environment:\n"
            f"    WEBHOOK_SECRET: {c.new('serverless-env')}\n"
            f"    QUEUE_URL: https://jobs:{c.new('serverless-url-password')}@mq.example/q\n"
            "functions:\n  nightly:\n    handler: jobs.nightly\n"
        ),
    }
    return write_tree(root, files)

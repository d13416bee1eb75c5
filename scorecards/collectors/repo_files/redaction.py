"""Decide which names hold secrets and replace their literal values by ``«redacted»``.

Shared by every repository parser so facts never carry a secret value. A name is secret when
one of its words says so (``DB_PASSWORD``, ``apiKey``, ``GITHUB_TOKEN``), unless its last word
makes it a *reference* to a secret (``SECRET_ARN``, ``PASSWORD_FILE``, ``TOKEN_URL``).
A value is kept when it is a reference (``${ssm:...}``, ``{{resolve:...}}``, ``{"Ref": ...}``),
so checks can still tell a committed literal from an indirection.
"""

from __future__ import annotations

import re
from typing import Any

from scorecards.checks.results import REDACTED

_SECRET_WORDS = frozenset(
    {
        "PASSWORD",
        "PASSWD",
        "PWD",
        "PASS",
        "PASSPHRASE",
        "SECRET",
        "TOKEN",
        "APIKEY",
        "PRIVATEKEY",
        "CREDENTIAL",
        "CREDENTIALS",
        "ACCESSKEY",
        "SECRETKEY",
        "AUTHKEY",
    }
)
# Two words that only together say "secret": API_KEY, PRIVATE_KEY, ACCESS_KEY...
_SECRET_PAIRS = frozenset(
    {
        ("API", "KEY"),
        ("PRIVATE", "KEY"),
        ("ACCESS", "KEY"),
        ("SECRET", "KEY"),
        ("AUTH", "KEY"),
        ("SIGNING", "KEY"),
        ("ENCRYPTION", "KEY"),
        ("MASTER", "KEY"),
        ("CLIENT", "KEY"),
        ("LICENSE", "KEY"),
        ("SERVICE", "KEY"),
        ("ACCOUNT", "KEY"),
    }
)
# A last word that turns the name into a pointer to a secret rather than the secret itself.
_REFERENCE_SUFFIXES = frozenset(
    {
        "ARN",
        "FILE",
        "PATH",
        "URL",
        "URI",
        "NAME",
        "NAMES",
        "ID",
        "REF",
        "ENDPOINT",
        "HOST",
        "LENGTH",
        "LEN",
        "TTL",
        "EXPIRY",
        "EXPIRES",
        "EXPIRATION",
        "TIMEOUT",
        "TYPE",
        "HEADER",
        "LOCATION",
        "PARAM",
        "PARAMETER",
        "VERSION",
        "DIR",
        "KEYREF",
        "SOURCE",
        "PREFIX",
        "ENABLED",
        "REQUIRED",
        "POLICY",
        "ROTATION",
        "MANAGER",
        "STORE",
        "PROVIDER",
        "FIELD",
        "KIND",
    }
)
# Helm charts name an already created Secret with existingSecret, existingSecretPasswordKey...
_REFERENCE_PREFIXES = frozenset({"EXISTING", "USE", "ENABLE", "REQUIRE"})
_CAMEL = re.compile(r"([a-z0-9])([A-Z])")
_SPLIT = re.compile(r"[^A-Z0-9]+")
# Interpolations and lookups resolved elsewhere: ${VAR}, ${ssm:..}, {{resolve:..}},
# ${{ secrets.X }}, Helm {{ .Values.x }}, $(VAR) in Kubernetes.
_REFERENCE_VALUE = re.compile(r"\$\{|\{\{|\$\(|^\$[A-Za-z_]|^arn:aws:(secretsmanager|ssm):")


def name_words(name: str) -> list[str]:
    """Upper-case words of a name, splitting snake, kebab, dotted and camelCase spellings."""
    return [w for w in _SPLIT.split(_CAMEL.sub(r"\1_\2", str(name)).upper()) if w]


def is_secret_name(name: str) -> bool:
    """True for names whose value is a secret itself (not a reference to one)."""
    words = name_words(name)
    if not words or words == ["PWD"] or words[-1] in _REFERENCE_SUFFIXES:
        return False
    if words[0] in _REFERENCE_PREFIXES:
        return False
    if any(w in _SECRET_WORDS for w in words):
        return True
    return any(pair in _SECRET_PAIRS for pair in zip(words, words[1:], strict=False))


def is_reference(value: Any) -> bool:
    """True when a value points somewhere else instead of holding the secret."""
    if isinstance(value, dict | list):
        return True  # CloudFormation intrinsics ({"Ref": ..}, {"Fn::Sub": ..}), valueFrom...
    return isinstance(value, str) and bool(_REFERENCE_VALUE.search(value))


def is_redactable(value: Any) -> bool:
    """A literal worth hiding: a non-empty string or a number, not a reference."""
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, str):
        return value.strip() != "" and value != REDACTED and not is_reference(value)
    return isinstance(value, int | float)


def redact_value(name: str, value: Any) -> Any:
    """``value`` unless ``name`` is secret and ``value`` a literal."""
    return REDACTED if is_secret_name(name) and is_redactable(value) else value


def redact_env_mapping(mapping: Any) -> Any:
    """Redact an environment given as a mapping, ``NAME=value`` strings or name/value items.

    Accepts the shapes of compose, Kubernetes, ECS (``Name``/``Value``) and CloudFormation;
    returns a new structure of the same shape, other values untouched.
    """
    if isinstance(mapping, dict):
        return {k: redact_value(k, v) for k, v in mapping.items()}
    if isinstance(mapping, list):
        return [_redact_env_item(item) for item in mapping]
    return mapping


def _redact_env_item(item: Any) -> Any:
    if isinstance(item, str) and "=" in item:
        name, value = item.split("=", 1)
        return f"{name}={REDACTED}" if redact_value(name, value) == REDACTED else item
    if isinstance(item, dict):
        for name_key, value_key in (("name", "value"), ("Name", "Value")):
            if name_key in item and value_key in item:
                return {**item, value_key: redact_value(str(item[name_key]), item[value_key])}
    return item

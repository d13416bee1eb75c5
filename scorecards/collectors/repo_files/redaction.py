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

from scorecards.checks.results import REDACTED, redact_url_passwords

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
# Client variables whose whole name is the secret (libpq, redis-cli): no word of theirs says so.
_SECRET_WHOLE_NAMES = frozenset({"PGPASSWORD", "PGPASS", "REDISCLI_AUTH", "MYSQL_PWD"})
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
    if "_".join(words) in _SECRET_WHOLE_NAMES or (
        len(words) == 1 and words[0].endswith(("PASSWORD", "PASSWD")) and words[0] != "PASSWD"
    ):
        return True  # PGPASSWORD, REDISCLI_AUTH, MYSQLPASSWORD
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


# --- free text and command lines --------------------------------------------------------------

# Flag names are often one word (``--requirepass``, ``--masterauth``): looser than env names.
_SECRET_FLAG_WORD = re.compile(
    r"(?i)pass|pwd|secret|token|credential|api[-_]?key|private[-_]?key|auth[-_]?key|masterauth"
)
_REFERENCE_FLAG_END = re.compile(r"(?i)[-_](file|path|dir|url|uri|env|name|id|stdin|ref)$")
_FLAG_ONLY = re.compile(r"^--?(?P<name>[A-Za-z][\w.-]*)$")
# ``--db-password=x``, ``--token x``, ``-p=x`` inside a command written as one string.
_FLAG_IN_TEXT = re.compile(
    r"(?<![\w.-])--?(?P<name>[A-Za-z][\w.-]*+)(?:=|[ \t]+)"
    r"(?P<value>\"[^\"]*\"|'[^']*'|(?!-)[^\s\"';&|]+)"
)
# ``API_TOKEN=x ./run``: a shell assignment inside a command or a value.
_ASSIGNMENT_IN_TEXT = re.compile(
    r"(?<![\w.\-/])(?P<name>[A-Za-z_][\w.]*+)=(?P<value>\"[^\"]*\"|'[^']*'|[^\s\"';&|]+)"
)


def is_secret_flag(name: str) -> bool:
    """``--db-password``, ``--api-token``, ``--requirepass``; not ``--password-file``."""
    return is_secret_name(name) or (
        bool(_SECRET_FLAG_WORD.search(name)) and not _REFERENCE_FLAG_END.search(name)
    )


def _hidden(value: str) -> str | None:
    """REDACTED for a literal worth hiding (quotes kept around it), None for a reference."""
    quoted = len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'"
    if not is_redactable(value[1:-1] if quoted else value):
        return None
    return f"{value[0]}{REDACTED}{value[0]}" if quoted else REDACTED


def redact_text(text: str) -> str:
    """A stored string with URL passwords, secret flags and secret assignments hidden, and
    AWS access key ids, ``curl -u user:password``, ``mysql -pPASSWORD`` and the literal
    defaults of secret environment lookups (``os.environ.get("API_KEY", "...")``)."""
    if "://" in text and "@" in text:
        text = redact_url_passwords(text)
    if "-" in text:
        text = _FLAG_IN_TEXT.sub(_replace_flag, text)
        text = _redact_attached_passwords(text)
    if "=" in text:
        text = _ASSIGNMENT_IN_TEXT.sub(lambda m: _replace(m, is_secret_name), text)
    text = _AWS_KEY_ID.sub(REDACTED, text)
    return _redact_env_defaults(text)


def _replace(match: re.Match[str], secret: Any) -> str:
    if not secret(match["name"]) or (hidden := _hidden(match["value"])) is None:
        return match[0]
    start = match.start("value") - match.start()
    return match[0][:start] + hidden


def _replace_flag(match: re.Match[str]) -> str:
    if match["name"] in _USER_FLAGS and ":" in match["value"]:
        return _replace_user_password(match)
    return _replace(match, is_secret_flag)


def _replace_user_password(match: re.Match[str]) -> str:
    """``-u admin:pw`` → ``-u admin:«redacted»`` (``"$USER:$PASS"`` is left as written)."""
    value = match["value"]
    quote = value[0] if value[0] in "\"'" and value[-1] == value[0] and len(value) > 1 else ""
    inner = value[1:-1] if quote else value
    user, password = inner.split(":", 1)
    if not is_redactable(password):
        return match[0]
    start = match.start("value") - match.start()
    return f"{match[0][:start]}{quote}{user}:{REDACTED}{quote}"


# curl/wget ``-u user:password``, ``--user``, ``--proxy-user``.
_USER_FLAGS = frozenset({"u", "user", "U", "proxy-user"})
# AWS access key ids are secret wherever they are written, whatever the name beside them.
_AWS_KEY_ID = re.compile(
    r"(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}(?![A-Z0-9])"
)
# MySQL and MariaDB clients take the password glued to ``-p`` (``mysql -uroot -ps3cret``).
_MYSQL_CLIENT = re.compile(r"\b(?:mysql(?:dump|admin|import|check|sh)?|mariadb(?:-dump|-admin)?)\b")
_ATTACHED_PASSWORD = re.compile(r"(?<![^\s\"'])-p(?P<value>\"[^\"]*\"|'[^']*'|[^\s\"';&|]+)")
_COMMAND_SEPARATOR = re.compile(r"([;&|\n]+)")


def _redact_attached_passwords(text: str) -> str:
    if "-p" not in text or not _MYSQL_CLIENT.search(text):
        return text
    parts = _COMMAND_SEPARATOR.split(text)
    for index, part in enumerate(parts):
        client = _MYSQL_CLIENT.search(part)
        if client:
            head, tail = part[: client.end()], part[client.end() :]
            parts[index] = head + _ATTACHED_PASSWORD.sub(_hide_attached, tail)
    return "".join(parts)


def _hide_attached(match: re.Match[str]) -> str:
    hidden = _hidden(match["value"])
    return match[0] if hidden is None else f"-p{hidden}"


# A line that reads the environment (``os.environ.get``, ``getenv``, ``process.env``, ``ENV[``,
# ``env(``, ``config(``): when it reads or assigns a secret name, its other string literals
# are that secret's default (``os.getenv("API_TOKEN", "…")``, ``x = process.env.T || "…"``).
_ENV_READ = re.compile(
    r"(?i:environ|getenv|lookupenv|process\.env|import\.meta\.env|deno\.env|get_env|"
    r"getenvironmentvariable)|\bENV\b|\benv\s*\(|\bconfig\s*\("
)
_QUOTED = re.compile(r"\"[^\"\n]*\"|'[^'\n]*'|`[^`\n]*`")
_IDENTIFIER = re.compile(r"^[A-Za-z_][\w.-]*$")
# The names a line reads or assigns: env.NAME / process.env.NAME and the assigned variable.
_DOTTED_ENV_NAME = re.compile(r"\benv\.(?P<name>[A-Za-z_]\w*+)")
_ASSIGNED_NAME = re.compile(
    r"^\s*+(?:(?:const|let|var|val|final|private|public|static|export|my)\s++)*+\$?"
    r"(?P<name>[A-Za-z_][\w.]*+)[\"']?\s*+(?::=|=(?!=)|:)"
)


def _redact_env_defaults(text: str) -> str:
    if not _ENV_READ.search(text):
        return text
    return "\n".join(_redact_env_default_line(line) for line in text.split("\n"))


def _redact_env_default_line(line: str) -> str:
    if not _ENV_READ.search(line):
        return line
    literals = [m[0][1:-1] for m in _QUOTED.finditer(line)]
    names = [v for v in literals if _IDENTIFIER.match(v)]
    names += [m["name"] for m in _DOTTED_ENV_NAME.finditer(line)]
    if assigned := _ASSIGNED_NAME.match(line):
        names.append(assigned["name"])
    if not any(is_secret_name(name) for name in names):
        return line
    return _QUOTED.sub(_hide_default, line)


def _hide_default(match: re.Match[str]) -> str:
    inner = match[0][1:-1]
    if (_IDENTIFIER.match(inner) and is_secret_name(inner)) or not is_redactable(inner):
        return match[0]  # the name looked up, an empty default or a reference
    return f"{match[0][0]}{REDACTED}{match[0][0]}"


def redact_strings(value: Any) -> Any:
    """Every string of a facts tree through ``redact_text``; a secret flag's separate value
    in an argument list (``["--token", "x"]``) hidden too. Returns a new tree."""
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {key: redact_strings(item) for key, item in value.items()}
    if isinstance(value, list):
        out = []
        pending = user = False
        for item in value:
            if user and isinstance(item, str) and ":" in item:
                name, password = item.split(":", 1)  # ["curl", "-u", "admin:pw"]
                item = f"{name}:{REDACTED}" if is_redactable(password) else item
            elif pending and isinstance(item, str) and not item.startswith("-"):
                out.append(REDACTED if is_redactable(item) else item)
                pending = False
                continue
            flag = _FLAG_ONLY.match(item) if isinstance(item, str) else None
            pending = bool(flag and is_secret_flag(flag["name"]))
            user = bool(flag and flag["name"] in _USER_FLAGS)
            out.append(redact_strings(item))
        return out
    return value


# A backing service's *location*: a URL, a host or a DSN. A credential (DB_PASSWORD) or a
# database name beside it does not say where the service is.
_LOCATION_SUFFIXES = frozenset(
    {"URL", "URI", "DSN", "HOST", "HOSTNAME", "HOSTS", "ENDPOINT", "ENDPOINTS", "ADDR",
     "ADDRESS", "SERVER", "SERVERS", "BROKER", "BROKERS", "NODES", "QUEUE",
     "TABLE", "BUCKET", "CONNSTR", "CONNECTIONSTRING"}
)  # fmt: skip
_LOCATION_PAIRS = frozenset(
    {("CONNECTION", "STRING"), ("CONNECTION", "STRINGS"), ("QUEUE", "NAME"), ("TABLE", "NAME")}
)
_LOCATION_WHOLE_NAMES = frozenset({"DSN", "PGHOST", "PGSERVICE", "MONGODB", "REDIS"})


def is_location_name(name: str) -> bool:
    """True for names that carry where a backing service is (``DATABASE_URL``, ``PGHOST``,
    ``spring.datasource.url``, ``ConnectionStrings:Default``), never for a credential."""
    words = name_words(name)
    if not words or is_secret_name(name):
        return False
    if "_".join(words) in _LOCATION_WHOLE_NAMES:
        return True
    if words[-1] in _LOCATION_SUFFIXES:
        return True
    return any(pair in _LOCATION_PAIRS for pair in zip(words, words[1:], strict=False))

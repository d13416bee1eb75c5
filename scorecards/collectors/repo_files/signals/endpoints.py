"""Literal locations of backing services written in code or application config.

``endpoint.literal``: a database/cache/queue URL with a literal host (``postgres://app@db:5432``,
``redis://cache:6379``, ``jdbc:mysql://...``) or an AWS managed-service host name
(``*.rds.amazonaws.com``...). ``detail = {"kind", "url" (credentials redacted), "host",
"env_default"}``; ``env_default`` is true when the line also reads an environment variable, so
the literal is the fallback of that lookup (``os.getenv("REDIS_URL", "redis://localhost")``).
"""

from __future__ import annotations

import re

from scorecards.collectors.repo_files.signals import SignalRule
from scorecards.collectors.repo_files.signals.env import _FILES, _read_pattern

REDACTED = "«redacted»"

_SCHEMES = (
    r"postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|kafka|memcached?|"
    r"sqlserver|mssql|nats|cassandra|neo4j(?:\+s)?|bolt|elasticsearch|couchbase|"
    r"jdbc:[a-z0-9]+(?::[a-z0-9]+)?"
)
_SCHEME_URL = (
    rf"(?<![\w+.-])(?P<scheme>{_SCHEMES})(?:\+[a-z0-9]+)?://"
    r"(?P<authority>[^\s\"'`<>/?#]+)(?P<path>[^\s\"'`<>]*)"
)
_AWS_HOST = (
    r"(?P<aws>(?<![\w.-])[a-z0-9][\w.-]*\.(?:rds|cache|docdb|es|aoss|dax)\.(?:[a-z0-9-]+\.)?amazonaws\.com"
    r"|(?<![\w.-])[a-z0-9][\w.-]*\.mq\.[a-z0-9-]+\.amazonaws\.com)"
)
_AWS_KINDS = {
    ".rds.": "rds", ".cache.": "elasticache", ".docdb.": "documentdb", ".es.": "opensearch",
    ".aoss.": "opensearch", ".dax.": "dax", ".mq.": "amazon-mq",
}  # fmt: skip
_KIND_ALIASES = {
    "postgresql": "postgres", "mongodb+srv": "mongodb", "rediss": "redis", "amqps": "amqp",
    "memcache": "memcached", "mssql": "sqlserver", "neo4j+s": "neo4j", "bolt": "neo4j",
    "mariadb": "mysql",
}  # fmt: skip
# Hosts in help texts and templates, not real locations.
_PLACEHOLDER_HOST = re.compile(
    r"(?i)^(host(name)?|server|your[\w-]*|my[-_]?host|db[-_]?host|\.\.\.|x+|<.*|example(\..*)?"
    r"|.*\.example(\.(com|org|net))?|.*\.invalid|.*\.test)$"
)
# Text around the URL that marks it as an example in prose (help strings, usage messages).
_PROSE = re.compile(r"(?i)\b(e\.g\.|eg:|for example|such as|usage:|help\s*=|format:)")
_ENV_LOOKUP = re.compile(_read_pattern())


def redact_url(url: str) -> str:
    """Replace the user information of a URL (``user:password@``) with ``«redacted»``."""
    return re.sub(r"://[^\s/@]+@", f"://{REDACTED}@", url, count=1)


def _host_of(authority: str) -> str:
    first = authority.rsplit("@", 1)[-1].split(",", 1)[0]  # mongodb://h1:27017,h2:27017
    if first.startswith("["):
        return first.split("]", 1)[0] + "]"
    return first.rsplit(":", 1)[0]


def _is_literal_host(host: str) -> bool:
    if not host or not (host[0].isalnum() or host[0] == "["):
        return False
    return not (any(c in host for c in "{}$%<>()+") or _PLACEHOLDER_HOST.match(host))


def _trim(url: str) -> str:
    """Drop closing brackets and punctuation that belong to the surrounding code."""
    pairs = {"}": "{", ")": "(", "]": "["}
    while url and url[-1] in "}),];" and url.count(url[-1]) > url.count(pairs.get(url[-1], "")):
        url = url[:-1]
    return url


def _endpoint_detail(match: re.Match[str], line: str) -> dict | None:
    if _PROSE.search(line):
        return None
    env_default = bool(_ENV_LOOKUP.search(line))
    if match.group("aws"):
        host = match.group("aws").lower()
        kind = next((k for marker, k in _AWS_KINDS.items() if marker in host), "aws")
        return {"kind": kind, "url": host, "host": host, "env_default": env_default}
    host = _host_of(match.group("authority"))
    if not _is_literal_host(host):
        return None
    scheme = match.group("scheme").lower()
    kind = scheme.split(":")[1] if scheme.startswith("jdbc:") else scheme
    url = redact_url(_trim(match.group(0)))
    return {
        "kind": _KIND_ALIASES.get(kind, kind),
        "url": url,
        "host": host,
        "env_default": env_default,
    }


_CODE_AND_APP_CONFIG = frozenset({
    "python", "javascript", "typescript", "go", "java", "kotlin", "scala", "groovy", "ruby",
    "php", "csharp", "rust", "elixir", "properties", "yaml",
})  # fmt: skip

RULES = [
    SignalRule(
        id="endpoint.literal",
        languages=_CODE_AND_APP_CONFIG,
        pattern=f"{_SCHEME_URL}|{_AWS_HOST}",
        detail=_endpoint_detail,
        files=_FILES,
        flags=re.IGNORECASE,
    ),
]

"""Hard-coded credential detection, plus the redaction helpers every parser shares.

Known token formats come from detect-secrets' high-precision plugins (no entropy or keyword
plugins: too noisy). On top, one targeted rule of ours: a secret-like name (``password``,
``api_key``, ``SECRET_KEY``...) assigned a string literal that looks like a real credential.
Signals never carry the secret itself: the value is replaced by ``«redacted»``.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections import Counter
from functools import cache

from detect_secrets.plugins.artifactory import ArtifactoryDetector
from detect_secrets.plugins.aws import AWSKeyDetector
from detect_secrets.plugins.azure_storage_key import AzureStorageKeyDetector
from detect_secrets.plugins.base import RegexBasedDetector
from detect_secrets.plugins.basic_auth import BasicAuthDetector
from detect_secrets.plugins.discord import DiscordBotTokenDetector
from detect_secrets.plugins.github_token import GitHubTokenDetector
from detect_secrets.plugins.gitlab_token import GitLabTokenDetector
from detect_secrets.plugins.jwt import JwtTokenDetector
from detect_secrets.plugins.mailchimp import MailchimpDetector
from detect_secrets.plugins.npm import NpmDetector
from detect_secrets.plugins.openai import OpenAIDetector
from detect_secrets.plugins.private_key import PrivateKeyDetector
from detect_secrets.plugins.pypi_token import PypiTokenDetector
from detect_secrets.plugins.sendgrid import SendGridDetector
from detect_secrets.plugins.slack import SlackDetector
from detect_secrets.plugins.square_oauth import SquareOAuthDetector
from detect_secrets.plugins.stripe import StripeDetector
from detect_secrets.plugins.telegram_token import TelegramBotTokenDetector
from detect_secrets.plugins.twilio import TwilioKeyDetector

from scorecards.checks.results import redact_url_passwords
from scorecards.collectors.repo_files.redaction import (
    REDACTED,
    is_secret_name,
    name_words,
    redact_text,
)
from scorecards.collectors.repo_files.signals import language_of

MAX_LINE_LENGTH = 2000
MAX_SECRETS_PER_FILE = 200
EXCERPT_LENGTH = 160

# Cheap pre-filter: a secret-like word in a name followed by an assignment operator, an
# argument separator or a fallback operator.
# Searched in the lower-cased text: "(?i)" makes this pattern much slower.
_KEYWORD_CANDIDATE = re.compile(
    r"(?:pass|pwd|secret|token|key|credential)[\w.$-]{0,100}+[\"'\])]*[ \t]*"
    r"(?::=|=>|=|:|,|\|\||\?\?|or )"
)
_PLACEHOLDER = re.compile(
    r"(?i)(change[-_ ]?me|your[-_ ]|<[^>]*>|\$\{|\$\(|%\(|\{\{|\{[a-z_]*\}|xxx|\*\*\*|"
    r"example|dummy|sample|test|fake|redacted|placeholder|replace|insecure-default|"
    r"^(none|null|nil|true|false|undefined|secret|password|passwd|pass|root|admin|postgres|"
    r"mysql|guest|user|username|default|empty|todo|tbd)$|^\$[A-Za-z_])"
)
# The value is read from the environment (or a config/secret store) on the same line.
_ENV_LOOKUP = re.compile(
    r"(os\.environ|os\.getenv|\bgetenv\(|process\.env|\bENV(\[|\.fetch)|System\.getenv|"
    r"Environment\.GetEnvironmentVariable|\benv\(|\bconfig\(|os\.Getenv|os\.LookupEnv|"
    r"viper\.Get|System\.get_env|Deno\.env|import\.meta\.env|\benviron\.get)"
)

# name <op> 'literal' — code, JSON, YAML flow, properties with quotes.
_QUOTED_ASSIGNMENT = re.compile(
    r"""(?<![\w.$-])(?P<name>[A-Za-z_$][\w.$-]*+)["']?\]?\s*+(?::=|=>|==?|:)\s*+(?:[(\[]\s*+)?"""
    r"""(?:[A-Za-z_][\w.]*\s*\(\s*["'][^"']*["']\s*,\s*)?"""  # os.getenv("X", 'default'
    r"""(?P<q>["'`])(?P<value>[^"'`\s]{1,500})(?P=q)"""
)
# process.env.JWT_SECRET || 'dev', os.environ.get('SECRET_KEY') or 'dev', $x ?? 'dev': the
# literal is what the setting holds wherever the variable is unset.
_LITERAL_FALLBACK = re.compile(
    r"""(?<![\w$-])(?P<name>[A-Za-z_$][\w$-]*+)["'`]?\s*+[)\]]?\s*+(?:\|\||\?\?|\bor\b|\?:)\s*+"""
    r"""(?P<q>["'`])(?P<value>[^"'`\s]{1,500})(?P=q)"""
)
# viper.SetDefault("jwt-secret", "x"), os.environ.setdefault("SECRET_KEY", "x"): a setter
# given a setting's name and its literal value.
_NAME_VALUE_ARGUMENTS = re.compile(
    r"""(?:[Ss]et\w{0,20}|\w{0,20}[Dd]efault|[Pp]ut|Setenv|putenv)\(\s*(?P<q1>["'])(?P<name>[A-Za-z_][\w.-]{0,100})(?P=q1)\s*,\s*"""
    r"""(?P<q>["'`])(?P<value>[^"'`\s]{1,500})(?P=q)"""
)
# NAME=value / name: value without quotes — only in env, YAML, properties and INI files.
_BARE_ASSIGNMENT = re.compile(
    r"^\s*(?:export\s+|-\s+)?(?P<name>[A-Za-z_][\w.-]*+)\s*[=:]\s*(?P<value>[^\s#'\"]{1,500})\s*$"
)
# Shell / env style NAME=value (no spaces around "=") and YAML / properties "name: value".
_SHELL_ASSIGNMENT = re.compile(
    r"(?<![\w.-])(?P<name>[A-Za-z_][\w.-]*+)=(?P<value>[^\s'\"`;&|()«]+)"
)
_YAML_BARE_VALUE = re.compile(
    r"^\s*(?:-\s+)?(?P<name>[A-Za-z_][\w.-]*+)\s*:\s+(?P<value>[^\s'\"#{\[«][^#«]*?)\s*$"
)
# Catalogue decision 6: a working password fails whatever its strength; only these placeholders
# (and templates, empty values) are exempt. Words like "postgres" or "root" are real defaults.
_OBVIOUS_PLACEHOLDER = re.compile(
    r"(?i)(change[-_ ]?(me|this|it)|your[-_ ]|<[^>]*>|\$\{|\$\(|%\(|\{\{|\{[a-z_]*\}|"
    r"xxx|\*\*\*|---|"
    r"example|dummy|sample|test|fake|redacted|placeholder|replace|"
    r"^(none|null|nil|true|false|undefined|empty|todo|tbd|~|\.+)$|^\$[A-Za-z_])"
)
# Identifiers that only look random: ARNs, UUIDs, hex digests.
_IDENTIFIER = re.compile(
    r"^(arn:[\w-]+:|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$|"
    r"[0-9a-f]{32}$|[0-9a-f]{40}$|[0-9a-f]{64}$|sha\d+[:-])"
)
_SECRET_LAST_WORDS = frozenset(
    {"PASSWORD", "PASSWD", "PASS", "PWD", "PASSPHRASE", "SECRET", "TOKEN", "APIKEY",
     "CREDENTIAL", "CREDENTIALS", "SECRETKEY", "PRIVATEKEY", "ACCESSKEY", "AUTHKEY"}
)  # fmt: skip
# Values a secret-named key takes that are not credentials: workflow permissions
# (`id-token: write`), model casts and column types (`'password' => 'hashed'`), hash algorithm
# names and validation rules (`'password' => ['required', 'min:8']`).
_NOT_A_PASSWORD = frozenset(
    {"read", "write", "none", "read-all", "write-all", "hashed", "hash", "encrypted", "string",
     "str", "text", "varchar", "char", "bytes", "binary", "required", "nullable", "optional",
     "sometimes", "confirmed", "bcrypt", "argon", "argon2", "argon2i", "argon2id", "scrypt",
     "pbkdf2", "md5", "sha1", "sha256", "sha512", "plain", "plaintext", "masked", "hidden",
     "sensitive", "boolean", "bool", "integer", "int", "number", "object", "array", "secure"}
)  # fmt: skip
# Prose, not code or configuration: the weak (working-password) rule does not read these.
_DOCUMENT_FILE = re.compile(r"\.(md|markdown|mdx|rst|adoc|asciidoc|txt|html?)$", re.IGNORECASE)
# path/to/key.json, secrets/db.pem: a file holding the secret, not the secret.
_FILE_PATH_VALUE = re.compile(
    r"^(?:[\w.-]*+/[\w./-]*\.[A-Za-z][A-Za-z0-9]{0,4}|[\w-]++\.(json|pem|key|crt|p12|jks|ya?ml|txt|env))"
)
_LABEL_WORDS = frozenset(
    {"password", "passwd", "pass", "pwd", "secret", "token", "key", "apikey", "credentials"}
)
# ADO.NET / JDBC / libpq key=value connection strings: "Host=db;Password=s3cret;".
_CONNECTION_STRING_PASSWORD = re.compile(
    r"(?:^|[;\"'\s])(?P<name>[Pp]assword|PASSWORD|[Pp]wd|PWD)\s*=\s*(?P<value>[^;\"'\s]{1,200})(?=;)"
)
# Translation catalogues map a "password" key to its label: not credentials.
_LABEL_FILE = re.compile(r"(^|/)(locales?|i18n|l10n|lang|translations?)/", re.IGNORECASE)
_DOTTED_PATH = re.compile(r"^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)+\.[A-Za-z_][A-Za-z0-9_]*")
_BARE_LANGUAGES = frozenset({"yaml", "properties", "ini", "conf", "env", "shell", "dockerfile"})

_SKIP_FILE = re.compile(
    r"(\.min\.(js|css)$|\.map$|\.svg$|(^|/)(package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|"
    r"pnpm-lock\.yaml|poetry\.lock|uv\.lock|pdm\.lock|Pipfile\.lock|Gemfile\.lock|Cargo\.lock|"
    r"composer\.lock|go\.sum|mix\.lock|pubspec\.lock|Package\.resolved|packages\.lock\.json|"
    r"bun\.lockb?|gradle\.lockfile|conda-lock\.ya?ml|pixi\.lock|\.secrets\.baseline)$)"
)

# detect-secrets plugin class -> our rule kind.
_PLUGINS: dict[type[RegexBasedDetector], str] = {
    AWSKeyDetector: "aws-access-key",
    PrivateKeyDetector: "private-key",
    GitHubTokenDetector: "github-token",
    GitLabTokenDetector: "gitlab-token",
    SlackDetector: "slack-token",
    StripeDetector: "stripe-key",
    TwilioKeyDetector: "twilio-key",
    SendGridDetector: "sendgrid-key",
    MailchimpDetector: "mailchimp-key",
    NpmDetector: "npm-token",
    PypiTokenDetector: "pypi-token",
    OpenAIDetector: "openai-key",
    DiscordBotTokenDetector: "discord-token",
    TelegramBotTokenDetector: "telegram-token",
    AzureStorageKeyDetector: "azure-storage-key",
    ArtifactoryDetector: "artifactory-token",
    SquareOAuthDetector: "square-oauth-secret",
    JwtTokenDetector: "jwt",
    BasicAuthDetector: "basic-auth",
}


# Cheap tests that every match of a plugin passes; almost no file passes any of them. Each
# pattern starts with a literal so the regex engine scans fast (a case-insensitive alternation
# or a plugin's own pattern is ~100x slower).
_HINTS: dict[str, tuple[str, ...]] = {
    "aws-access-key": (r"A(?:KIA|SIA|3T|BIA|CCA)", r"[Aa][Ww][Ss]"),
    "private-key": (r"PRIVATE KEY", r"PuTTY-User-Key"),
    "github-token": (r"gh[pousr]_",),
    "gitlab-token": (r"gl[a-z]{1,6}-", r"GR1348941"),
    "slack-token": (r"xox[a-z]-", r"hooks\.slack\.com"),
    "stripe-key": (r"k_live_",),
    "twilio-key": (r"AC[a-z0-9]{32}", r"SK[a-z0-9]{32}"),
    "sendgrid-key": (r"SG\.",),
    "mailchimp-key": (r"-us\d",),
    "npm-token": (r"_authToken",),
    "pypi-token": (r"pypi-Ag",),
    "openai-key": (r"T3BlbkFJ",),
    "discord-token": (r"\.[a-zA-Z\d_-]{6}\.[a-zA-Z\d_-]{27}",),
    "telegram-token": (r":[0-9A-Za-z_-]{35}",),
    "azure-storage-key": (r"AccountKey=",),
    "artifactory-token": (r"A(?:KC|P[\dA-F])",),
    "square-oauth-secret": (r"sq0csp-",),
    "jwt": (r"eyJ",),
    "basic-auth": (r"://[^\s:/@]+:[^\s@]{1,500}@",),
}
_HINT_PATTERNS = {kind: [re.compile(p) for p in patterns] for kind, patterns in _HINTS.items()}


def _may_contain(kind: str, text: str) -> bool:
    return any(p.search(text) for p in _HINT_PATTERNS.get(kind, [re.compile("")]))


def is_placeholder(value: str) -> bool:
    """Values that are obviously not real credentials: templates, references, examples."""
    return bool(_PLACEHOLDER.search(value))


def is_reference(value: str) -> bool:
    """A value that points at something else (`${VAR}`, `$VAR`, `{{ .Values.x }}`)."""
    return value.startswith("$") or "${" in value or "{{" in value or "%(" in value


def shannon_entropy(value: str) -> float:
    counts = Counter(value)
    total = len(value)
    return -sum(n / total * math.log2(n / total) for n in counts.values()) if total else 0.0


def _character_classes(value: str) -> int:
    return sum(
        (
            any(c.islower() for c in value),
            any(c.isupper() for c in value),
            any(c.isdigit() for c in value),
            any(not c.isalnum() for c in value),
        )
    )


def is_identifier(value: str) -> bool:
    """ARNs, UUIDs and digests look random but name or fingerprint something."""
    return bool(_IDENTIFIER.match(value)) or bool(_DOTTED_PATH.fullmatch(value))


def _names_a_secret_itself(name: str) -> bool:
    """``DB_PASSWORD``, ``apiKey``, ``SECRET_KEY``: the last word is the secret, so a short
    literal is its value; ``passwordLabel`` or ``PrivateKeyDetector`` name something else."""
    words = name_words(name)
    if not words:
        return False
    last = words[-1]
    return (
        last in _SECRET_LAST_WORDS
        or last.endswith(("PASSWORD", "PASSWD"))
        or (len(words) > 1 and words[-1] == "KEY" and is_secret_name("_".join(words[-2:])))
        or "_".join(words) in ("REDISCLI_AUTH", "PGPASS")
    )


def is_working_password(name: str, value: str, config_file: bool = False) -> bool:
    """A literal assigned to a secret name that would work as one, however weak (decision 6)."""
    if not _names_a_secret_itself(name):
        return False
    if len(value) < 3 or _OBVIOUS_PLACEHOLDER.search(value) or is_reference(value):
        return False
    if is_identifier(value) or "://" in value or value.startswith(("/", "./", "../", "~/")):
        return False
    if re.fullmatch(r"^[A-Z][A-Z0-9]*+(?:_[A-Z0-9]++)+", value):  # an env var name
        return False
    if value.lower() in _NOT_A_PASSWORD or _FILE_PATH_VALUE.fullmatch(value):
        return False
    # {"password": "password"}, passwordLabel: "Password": a key or a label, not a value.
    # POSTGRES_PASSWORD: postgres is a value: only the name's last or secret word is a label.
    plain = re.sub(r"[^a-z0-9]", "", value.lower())
    words = [w.lower() for w in name_words(name)]
    if config_file:
        # A Secret's `password: "pass"` is the value; configuration files hold no form labels
        # (translation catalogues are left out before this).
        return plain not in {"".join(words), words[-1]}
    return plain not in {"".join(words), words[-1], *_LABEL_WORDS}


def looks_like_credential(value: str, min_length: int = 12) -> bool:
    """A literal that could be a real secret: long enough, varied, not a placeholder."""
    if len(value) < min_length or is_placeholder(value) or is_reference(value):
        return False
    if is_identifier(value):
        return False
    if "://" in value or value.startswith(("/", "./", "../", "~/")) or " " in value:
        return False
    if re.fullmatch(r"^[a-z]++(?:[_.\-][a-z]++)*", value):  # words: "database_password_field"
        return False
    if re.fullmatch(r"^[A-Z][A-Z0-9]*+(?:_[A-Z0-9]++)+", value):  # an env var name
        return False
    # A module or class path ("django.contrib.auth.backends.ModelBackend"): lower-case
    # packages rule out random tokens and JWTs, whose segments mix cases.
    if _DOTTED_PATH.fullmatch(value):
        return False
    if re.search(r"\.(pem|key|crt|json|ya?ml|txt|p12|jks|env)$", value, re.IGNORECASE):
        return False
    classes = _character_classes(value)
    has_digit = any(c.isdigit() for c in value)
    return classes >= 3 or (classes >= 2 and has_digit) or shannon_entropy(value) >= 3.5


def redact_value(line: str, value: str) -> str:
    return line.replace(value, REDACTED) if value else line


def redact_assignments(line: str) -> str:
    """Replace literal values assigned to secret-looking names (best effort, one line)."""

    def replace_quoted(match: re.Match[str]) -> str:
        if not is_secret_name(match["name"]) or is_reference(match["value"]):
            return match[0]
        start, end = match.span("value")
        offset = match.start()
        return match[0][: start - offset] + REDACTED + match[0][end - offset :]

    line = _QUOTED_ASSIGNMENT.sub(replace_quoted, line)
    for pattern in (_SHELL_ASSIGNMENT, _YAML_BARE_VALUE):
        bare = pattern.search(line)
        if bare and is_secret_name(bare["name"]) and not is_reference(bare["value"]):
            line = line[: bare.start("value")] + REDACTED + line[bare.end("value") :]
    return line


def make_excerpt(line: str, secrets: list[str] | tuple[str, ...] = ()) -> str:
    """One short line for evidence, with the given values and secret assignments redacted."""
    for secret in sorted(secrets, key=len, reverse=True):
        line = redact_value(line, secret)
    # URLs first: a password inside a URL assigned to a secret name is covered either way.
    line = redact_assignments(redact_url_passwords(line.strip()))
    if len(line) > EXCERPT_LENGTH:
        line = line[: EXCERPT_LENGTH - 1] + "…"
    return line


@cache
def _plugins() -> tuple[tuple[RegexBasedDetector, str, re.Pattern[str]], ...]:
    """Plugin instances with one multi-line pattern each, to test a whole file at once."""
    loaded = []
    for cls, kind in _PLUGINS.items():
        plugin = cls()
        quick = "|".join(f"(?:{p.pattern})" for p in plugin.denylist)
        flags = (plugin.denylist[0].flags if plugin.denylist else 0) | re.MULTILINE
        loaded.append((plugin, kind, re.compile(quick, flags)))
    return tuple(loaded)


def _language(path: str) -> str | None:
    name = path.rsplit("/", 1)[-1]
    if name.startswith(".env") or name.endswith(".env") or name == ".envrc":
        return "env"
    return language_of(path)


def find_secrets(path: str, text: str) -> list[dict]:
    """Signals ``secret.<kind>`` for credentials written in a file's text."""
    if _SKIP_FILE.search(path):
        return []
    lang = _language(path)
    lines = text.splitlines()
    found: dict[tuple[int, str], dict] = {}
    # The plugins' own patterns backtrack (``//.+/:_authToken``): they only ever see lines short
    # enough to be read, never a hostile 100 KB one.
    text = _without_long_lines(text, lines)

    for plugin, kind, quick in _plugins():
        if not _may_contain(kind, text) or not quick.search(text):
            continue
        for number in _matching_lines(quick, text):
            line = lines[number - 1] if number <= len(lines) else ""
            if len(line) > MAX_LINE_LENGTH:
                continue
            for value in plugin.analyze_string(line):
                hidden = _token_spans(plugin, kind, line, value)
                signal = _token_signal(path, lang, number, line, kind, plugin.secret_type, hidden)
                if signal and kind == "private-key" and not _has_key_body(lines, number):
                    continue  # a PEM header in a message or a parser, with no key after it
                if signal:
                    found.setdefault((number, signal["rule"]), signal)

    token_lines = {number for number, _ in found}  # a known token beats the keyword rule
    for number in _matching_lines(_KEYWORD_CANDIDATE, text.lower()):
        if len(found) >= MAX_SECRETS_PER_FILE:
            break
        line = lines[number - 1] if number <= len(lines) else ""
        if len(line) <= MAX_LINE_LENGTH and number not in token_lines:
            for signal in _keyword_signals(path, lang, number, line):
                found.setdefault((number, signal["rule"]), signal)
    return sorted(found.values(), key=lambda s: (s["line"], s["rule"]))[:MAX_SECRETS_PER_FILE]


def _without_long_lines(text: str, lines: list[str]) -> str:
    """``text`` with every line over ``MAX_LINE_LENGTH`` emptied (line numbers kept)."""
    if all(len(line) <= MAX_LINE_LENGTH for line in lines):
        return text
    return "\n".join(line if len(line) <= MAX_LINE_LENGTH else "" for line in lines)


# Base64 of a key body: on the header's own line (JSON/YAML strings with "\n" escapes) or on
# the lines that follow it.
_KEY_BODY = re.compile(r"(?:\\n|^|\s)[A-Za-z0-9+/]{16,}")


def _has_key_body(lines: list[str], number: int) -> bool:
    header = lines[number - 1]
    after = header.split("PRIVATE KEY-----", 1)[-1]
    following = lines[number : number + 2]
    return any(_KEY_BODY.search(chunk) for chunk in (after, *following))


def _matching_lines(pattern: re.Pattern[str], text: str) -> list[int]:
    """1-based numbers of the lines where ``pattern`` matches, from one pass over the text."""
    numbers: list[int] = []
    line_starts: list[int] | None = None
    for match in pattern.finditer(text):
        if line_starts is None:
            line_starts = [0] + [m.end() for m in re.finditer(r"\r\n|\n|\r", text)]
        number = bisect_right(line_starts, match.start())
        if not numbers or numbers[-1] != number:
            numbers.append(number)
    return numbers


def _token_spans(plugin: RegexBasedDetector, kind: str, line: str, value: str) -> list[str]:
    """Texts to hide: plugins may report only a group (``ghp``), so hide every full match."""
    if kind in ("basic-auth", "aws-access-key") and len(value) >= 8:
        return [value]  # the group is the secret itself (a URL password, an AWS key)
    spans = [m[0] for pattern in plugin.denylist for m in pattern.finditer(line)]
    return [value, *spans]


def _signal(
    path: str,
    lang: str | None,
    number: int,
    line: str,
    rule: str,
    detail: dict,
    values: list[str],
) -> dict:
    return {
        "rule": rule,
        "path": path,
        "line": number,
        "lang": lang,
        "excerpt": make_excerpt(line, values),
        "detail": detail,
    }


def _token_signal(
    path: str,
    lang: str | None,
    number: int,
    line: str,
    kind: str,
    secret_type: str,
    hidden: list[str],
) -> dict | None:
    value = max(hidden, key=len)
    if "EXAMPLE" in value.upper() and kind.startswith("aws"):
        return None  # AWS documentation keys (AKIAIOSFODNN7EXAMPLE)
    if kind == "aws-access-key" and not re.match(r"(A3T[A-Z0-9]|ABIA|ACCA|AKIA|ASIA)", value):
        kind = "aws-secret-key"
    if kind == "basic-auth" and (
        _OBVIOUS_PLACEHOLDER.search(value)
        or value.lower() in _LABEL_WORDS  # scheme://user:password@host in documentation
        or _ENV_LOOKUP.search(line)
    ):
        return None
    if kind == "private-key":
        hidden = []  # the header line itself is not secret; the key body is never read
    detail = {"type": secret_type, "name": _assigned_name(line)}
    return _signal(path, lang, number, line, f"secret.{kind}", detail, hidden)


def _assigned_name(line: str) -> str | None:
    match = re.search(r"(?<![\w.-])([A-Za-z_][\w.-]*+)[\"']?\s*+(?::=|=>|=|:)", line)
    return match[1] if match else None


def _keyword_signals(path: str, lang: str | None, number: int, line: str) -> list[dict]:
    bare = lang in _BARE_LANGUAGES
    if not bare and "'" not in line and '"' not in line and "`" not in line:
        return []  # code assigns literals in quotes: nothing to find on this line
    if line.lstrip().startswith(("#", "//", "--", ";", "*", "/*", "<!--")):
        return []  # commented-out examples: the keyword rule is too loose for prose
    signals = []
    candidates = [(m["name"], m["value"]) for m in _QUOTED_ASSIGNMENT.finditer(line)]
    if bare and (assignment := _BARE_ASSIGNMENT.match(line)):
        candidates.append((assignment["name"], assignment["value"]))
    env_lookup = bool(_ENV_LOOKUP.search(line))
    if env_lookup:  # `x or "y"` elsewhere is a condition, not a setting's fallback
        candidates += [(m["name"], m["value"]) for m in _LITERAL_FALLBACK.finditer(line)]
    candidates += [(m["name"], m["value"]) for m in _NAME_VALUE_ARGUMENTS.finditer(line)]
    if ";" in line:
        candidates += [("Password", m["value"]) for m in _CONNECTION_STRING_PASSWORD.finditer(line)]
    # Translation catalogues and prose: only a strong credential counts there.
    labels = bool(_LABEL_FILE.search(path)) or bool(_DOCUMENT_FILE.search(path))
    for name, value in candidates:
        if not is_secret_name(name):
            continue
        strong = looks_like_credential(value)
        if not strong and (labels or not is_working_password(name, value, bare)):
            continue
        if env_lookup:
            # os.getenv("SECRET_KEY", "dev-secret"): the fallback ships wherever the variable
            # is unset, so it is a literal credential too (decision 6).
            detail = {"type": "Default of an environment lookup", "name": name}
            signals.append(_signal(path, lang, number, line, "secret.env-default", detail, [value]))
            continue
        kind = "Secret keyword literal" if strong else "Literal password"
        detail = {"type": kind, "name": name}
        signals.append(_signal(path, lang, number, line, "secret.keyword-literal", detail, [value]))
    return signals


def redact_line(line: str) -> str:
    """One line of text from outside a scanned file (an excerpt pushed through the API) with
    what the collectors hide hidden: URL passwords, secret flags and assignments, and every
    credential of a known format (AWS keys, GitHub tokens...), whatever name it is under."""
    line = redact_text(redact_url_passwords(line[:MAX_LINE_LENGTH]))
    hidden: set[str] = set()
    for plugin, kind, quick in _plugins():
        if quick.search(line):
            for value in plugin.analyze_string(line):
                hidden.update(_token_spans(plugin, kind, line, value))
    for secret in sorted(hidden, key=len, reverse=True):
        line = redact_value(line, secret)
    return redact_assignments(line)

"""The result model shared by every check: statuses, evidence, outcomes and finished results."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from enum import StrEnum

REDACTED = "«redacted»"
EXCERPT_MAX = 160


class Status(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    WARN = "warn"
    UNKNOWN = "unknown"
    NA = "na"
    WAIVED = "waived"


CONCLUSIVE = frozenset({Status.PASS, Status.FAIL, Status.WARN, Status.WAIVED})


# scheme://user:password@host — the password part of any URL's userinfo. The match starts at
# "://" (after any scheme character): matching the scheme too made "a.-a.-a..." quadratic.
_URL_PASSWORD = re.compile(r"(?P<head>(?<=[\w+.\-])://[^\s:/@'\"]*:)(?P<password>[^\s@/'\"]+)@")
# Placeholders are references to a secret, not the secret: ${DB_PASSWORD}, $PASS, {{ .pw }}.
_PLACEHOLDER = re.compile(r"^(\$\{?[\w.:-]+\}?|\{\{.*\}\}|%\(?\w+\)?s?|<[\w-]+>)$")


def redact_url_passwords(line: str) -> str:
    """``postgres://app:s3cret@db/app`` → ``postgres://app:«redacted»@db/app``."""

    def replace(match: re.Match[str]) -> str:
        if _PLACEHOLDER.match(match["password"]):
            return match[0]
        return f"{match['head']}{REDACTED}@"

    return _URL_PASSWORD.sub(replace, line)


def short_excerpt(text: str) -> str:
    """One short line: evidence excerpts must never carry a whole file or a multi-line blob.

    Passwords in URLs are redacted here, the last step before any excerpt is stored or shown,
    whatever produced it.
    """
    line = redact_url_passwords(" ".join(str(text).split()))
    if len(line) > EXCERPT_MAX:
        line = line[: EXCERPT_MAX - 1] + "…"
    return line


@dataclass(frozen=True)
class Evidence:
    locator: str
    excerpt: str = ""
    source: str = "local"

    def as_dict(self) -> dict:
        return {"source": self.source, "locator": self.locator, "excerpt": self.excerpt}


@dataclass
class Outcome:
    """What a check function returns: a status, the evidence behind it, and one sentence."""

    status: Status
    evidence: list[Evidence] = field(default_factory=list)
    message: str = ""

    @classmethod
    def passed(cls, message: str = "", evidence: list[Evidence] | None = None) -> Outcome:
        return cls(Status.PASS, evidence or [], message)

    @classmethod
    def failed(cls, message: str = "", evidence: list[Evidence] | None = None) -> Outcome:
        return cls(Status.FAIL, evidence or [], message)

    @classmethod
    def warned(cls, message: str = "", evidence: list[Evidence] | None = None) -> Outcome:
        return cls(Status.WARN, evidence or [], message)

    @classmethod
    def unknown(cls, message: str = "", evidence: list[Evidence] | None = None) -> Outcome:
        return cls(Status.UNKNOWN, evidence or [], message)

    @classmethod
    def not_applicable(cls, message: str = "", evidence: list[Evidence] | None = None) -> Outcome:
        return cls(Status.NA, evidence or [], message)


_LINE_SUFFIX = re.compile(r":\d+(?::\d+)?$")


def locator_without_line(locator: str) -> str:
    return _LINE_SUFFIX.sub("", locator)


def fingerprint(check_id: str, evidence: list[Evidence]) -> str:
    """Stable across scans: the check id and where it was seen, never the line numbers."""
    places = sorted({locator_without_line(e.locator) for e in evidence})
    digest = hashlib.sha256("|".join([check_id, *places]).encode()).hexdigest()
    return digest[:20]


@dataclass
class CheckResult:
    id: str
    factor: str
    severity: str
    status: Status
    evidence: list[Evidence]
    message: str
    remediation: str
    effort: str
    title: str
    catalogue_version: str
    fingerprint: str
    waiver: dict | None = None

    def as_dict(self) -> dict:
        data = {
            "id": self.id,
            "title": self.title,
            "factor": self.factor,
            "severity": self.severity,
            "status": str(self.status),
            "message": self.message,
            "evidence": [e.as_dict() for e in self.evidence],
            "remediation": self.remediation,
            "effort": self.effort,
            "fingerprint": self.fingerprint,
            "catalogue_version": self.catalogue_version,
        }
        if self.waiver:
            data["waiver"] = self.waiver
        return data

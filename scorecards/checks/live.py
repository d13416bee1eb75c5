"""Joining a live source's verdict (AWS, Kubernetes) with the repository's, for any check.

``live_aws`` and ``live_k8s`` each wrap their checks with :func:`joined`; the policy decides
between two conclusive verdicts, and the evidence always lists both sides.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from scorecards.checks.context import CheckContext
from scorecards.checks.results import Evidence, Outcome, Status

MAX_EVIDENCE = 5
_RANK = {Status.FAIL: 3, Status.WARN: 2, Status.PASS: 1}
POLICIES = ("worst", "best", "live", "settles_warn")

LiveCheck = Callable[[CheckContext], Outcome]


def conclusive(outcome: Outcome | None) -> bool:
    return outcome is not None and outcome.status in _RANK


def _evidence(first: Outcome, second: Outcome) -> list[Evidence]:
    merged = list(dict.fromkeys([*first.evidence[:4], *second.evidence[:2]]))
    return merged[: MAX_EVIDENCE + 1]


def combine(
    other: Outcome | None,
    live: Outcome,
    policy: str,
    label: str,
    source: str,
    policies: tuple[str, ...] = POLICIES,
) -> Outcome:
    """One verdict from the repository's (or other sources') verdict and a live one.

    A live verdict that is not conclusive (unknown, na) leaves the other verdict as it is.
    Between two conclusive verdicts ``policy`` decides: ``worst`` (a live fail outweighs a
    repository pass and the reverse), ``best`` (for "it is declared somewhere" rules), ``live``
    (what runs decides) or ``settles_warn`` (``worst``, except that the live verdict replaces a
    repository warning that only said "the live source decides this").
    """
    if policy not in policies:
        raise ValueError(policy)
    if other is None:
        return live
    live_first = f"{source}: {live.message} {label}: {other.message}"
    if not conclusive(live):
        if conclusive(other) or other.status == Status.NA or live.status != Status.UNKNOWN:
            return other
        return Outcome(Status.UNKNOWN, _evidence(live, other), live_first)
    if not conclusive(other):
        return Outcome(live.status, _evidence(live, other), live_first)
    if policy == "live":
        live_decides = True
    elif policy == "best":
        live_decides = _RANK[live.status] <= _RANK[other.status]
    elif policy == "settles_warn" and other.status == Status.WARN:
        live_decides = True
    else:
        live_decides = _RANK[live.status] >= _RANK[other.status]
    if live_decides:
        return Outcome(live.status, _evidence(live, other), live_first)
    return Outcome(
        other.status, _evidence(other, live), f"{label}: {other.message} {source}: {live.message}"
    )


def joined(
    live_check: LiveCheck,
    policy: str,
    *,
    facts: str,
    marker: str,
    other_facts: str,
    other_marker: str,
    combine_with: Callable[..., Outcome],
    policies: tuple[str, ...],
) -> Callable[[Callable], Callable]:
    """A decorator joining ``live_check`` (reading ``ctx.<facts>``) into the check's verdict.

    Without those facts the check runs exactly as before. Without a repository the live
    verdict stands alone, unless the wrapped function itself reads the other live source
    (it carries ``other_marker``) and that source was ingested: its verdict then joins as
    "Other sources".
    """
    if policy not in policies:
        raise ValueError(policy)

    def decorate(function: Callable) -> Callable:
        @functools.wraps(function)
        def decorated(ctx: CheckContext) -> Outcome:
            if getattr(ctx, facts) is None:
                return function(ctx)
            live = live_check(ctx)
            if ctx.repo is None:
                reads_other = getattr(function, other_marker, None) is not None
                if not (reads_other and getattr(ctx, other_facts) is not None):
                    return live
                return combine_with(function(ctx), live, policy, "Other sources")
            return combine_with(function(ctx), live, policy)

        setattr(decorated, marker, live_check)
        return decorated

    return decorate

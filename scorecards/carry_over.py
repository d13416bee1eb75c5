"""Keep the last good facts of what a partial AWS or Kubernetes collection could not read.

Both collectors go on when one part of a source fails (a cluster unreachable, a namespace
forbidden, an account's credentials expired, a region throttled past its retries) and report
that part in ``errors``. Without this, the part would simply be missing from the new inventory:
its services would lose their live facts, or be retired by discovery, because of a blip. Here
every object of the last good inventory that lies in a failed part and was not read again is
copied into the new one, marked ``stale`` with the error, so the scorecard says so.

Pure functions of two inventories: no Django, no network.
"""

from __future__ import annotations

from collections.abc import Callable

STALE_KEY = "stale"


def _aws_error_covers(error: dict, resource: dict) -> bool:
    # account/region None: the whole account (or every account) failed before any region
    # was read, e.g. expired credentials on sts; service "sts" or "*" means every service.
    service = str(error.get("service") or "*")
    return (
        error.get("account") in (None, resource.get("account"))
        and error.get("region") in (None, resource.get("region"))
        and (service in ("*", "sts") or str(resource.get("type", "")).split(".")[0] == service)
    )


def _kubernetes_error_covers(error: dict, obj: dict) -> bool:
    return (
        error.get("cluster") == obj.get("cluster")
        and error.get("namespace") in (None, obj.get("namespace"))
        and error.get("kind") in (None, obj.get("kind"))
    )


# source -> (list key, identity key, does this error cover this item)
_SHAPES: dict[str, tuple[str, str, Callable[[dict, dict], bool]]] = {
    "aws": ("resources", "arn", _aws_error_covers),
    "kubernetes": ("objects", "locator", _kubernetes_error_covers),
}


def keep_last_good(source: str, fresh: dict, previous: dict | None) -> dict:
    """``fresh`` with the items of ``previous`` that its errors left unread, marked stale."""
    if source not in _SHAPES or not previous or not fresh.get("errors"):
        return fresh
    items_key, identity, covers = _SHAPES[source]
    seen = {item.get(identity) for item in fresh.get(items_key, [])}
    carried = []
    for item in previous.get(items_key, []):
        if item.get(identity) in seen:
            continue
        error = next((e for e in fresh["errors"] if covers(e, item)), None)
        if error is not None:
            carried.append({**item, STALE_KEY: str(error.get("error") or "not read")})
    if not carried:
        return fresh
    return {**fresh, items_key: [*fresh.get(items_key, []), *carried]}


def stale_reason(facts: dict | None) -> str:
    """Why some of a service's sliced facts are carried over ('' when all are fresh)."""
    for items_key, _identity, _covers in _SHAPES.values():
        for item in (facts or {}).get(items_key, []):
            if item.get(STALE_KEY):
                return str(item[STALE_KEY])
    # Kinds that could not be listed at all (a first scan has nothing to carry over).
    for error in (facts or {}).get("unlisted", []):
        place = (error.get("cluster"), error.get("namespace"))
        where = "/".join(str(part) for part in place if part)
        return f"{error.get('kind')} could not be listed in {where}: {error.get('error')}"
    return ""

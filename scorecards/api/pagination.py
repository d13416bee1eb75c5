"""Limit/offset pages with absolute ``next``/``previous`` links, like GitHub's Link pages."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db.models import QuerySet
from django.http import HttpRequest

from portal.untrusted import whole_number

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
# Far beyond any table here, and small enough that offset + limit never overflows a column.
MAX_OFFSET = 10**12


class BadPage(ValueError):
    pass


def _int(request: HttpRequest, name: str, default: int) -> int:
    value = request.GET.get(name, "")
    if value == "":
        return default
    number = whole_number(value, maximum=MAX_OFFSET)
    if number is None:
        raise BadPage(f"{name} must be a whole number up to {MAX_OFFSET}, not {value[:30]!r}")
    return number


def _link(request: HttpRequest, offset: int, limit: int) -> str:
    query = request.GET.copy()
    query["offset"], query["limit"] = str(offset), str(limit)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def paginate(
    request: HttpRequest, queryset: QuerySet, represent: Callable[[Iterable], list[dict]]
) -> dict:
    limit = min(max(_int(request, "limit", DEFAULT_LIMIT), 1), MAX_LIMIT)
    offset = _int(request, "offset", 0)
    count = queryset.count()
    page = list(queryset[offset : offset + limit])
    return {
        "count": count,
        "next": _link(request, offset + limit, limit) if offset + limit < count else None,
        "previous": _link(request, max(offset - limit, 0), limit) if offset > 0 else None,
        "results": represent(page),
    }

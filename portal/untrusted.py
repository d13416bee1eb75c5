"""Input no column can hold, refused with a 400 before it reaches a query.

PostgreSQL rejects a NUL character in text and JSON, and a lone UTF-16 surrogate cannot even
be encoded for it; SQLite overflows past 64-bit integers; Python's JSON parser runs out of
stack on deeply nested arrays. Each of these used to surface as a 500 (or, in webhooks, as a
503 that senders retry forever). The checks here are the one place that says what is storable:
the query-string middleware, the API push and the webhooks use them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse

# Deeper than any document the portal reads (GitHub payloads nest about 6 levels).
MAX_JSON_DEPTH = 64
# What a signed 64-bit column (SQLite INTEGER, PostgreSQL bigint) holds.
MAX_INTEGER = 2**63 - 1
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class Unstorable(ValueError):
    """The input holds something no column can; the message says what and where."""


def problem_of(text: str) -> str | None:
    """Why ``text`` cannot be stored, or None when it can."""
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    return "a NUL character" if found[0] == "\x00" else "a lone UTF-16 surrogate"


def check_text(text: str, where: str) -> str:
    problem = problem_of(text)
    if problem:
        raise Unstorable(f"{where} contains {problem}")
    return text


def check_tree(value: object, where: str = "the body", max_depth: int = MAX_JSON_DEPTH) -> None:
    """Every string (keys too) storable, integers within 64 bits, nesting within
    ``max_depth``. Walked with a stack, not recursion: the tree itself may be hostile."""
    pending: list[tuple[object, int]] = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if depth > max_depth:
            raise Unstorable(f"{where} is nested deeper than {max_depth} levels")
        if isinstance(item, str):
            check_text(item, where)
        elif isinstance(item, bool) or item is None or isinstance(item, float):
            continue
        elif isinstance(item, int):
            if abs(item) > MAX_INTEGER:
                raise Unstorable(f"{where} holds an integer beyond 64 bits")
        elif isinstance(item, dict):
            for key, child in item.items():
                check_text(str(key), where)
                pending.append((child, depth + 1))
        elif isinstance(item, list | tuple):
            pending.extend((child, depth + 1) for child in item)


def load_json(body: bytes | str, where: str = "the body") -> object:
    """A JSON document whose every part can be stored, or ``Unstorable`` / ``ValueError``."""
    try:
        document = json.loads(body)
    except RecursionError:
        raise Unstorable(f"{where} is nested deeper than {MAX_JSON_DEPTH} levels") from None
    check_tree(document, where)
    return document


def whole_number(value: str | None, maximum: int = MAX_INTEGER) -> int | None:
    """``value`` as a non-negative integer up to ``maximum``; None for anything else.

    ASCII digits only: ``str.isdigit`` also accepts ``²``, which ``int`` then refuses.
    """
    if not value or not value.isascii() or not value.isdigit() or len(value) > 19:
        return None
    number = int(value)
    return number if number <= maximum else None


class UnstorableQueryMiddleware:
    """A query string with a NUL or a lone surrogate is answered 400 before any view: every
    filter of every page and endpoint would otherwise hand it to the database."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for key, values in request.GET.lists():
            for text in (key, *values):
                problem = problem_of(text)
                if problem:
                    message = f"the query parameter {key[:60]!r} contains {problem}"
                    return _bad_request(request, message)
        return self.get_response(request)


def _bad_request(request: HttpRequest, message: str) -> HttpResponse:
    if request.path_info.startswith("/api/"):
        return JsonResponse({"error": message}, status=400)
    return HttpResponseBadRequest(message + "\n", content_type="text/plain; charset=utf-8")

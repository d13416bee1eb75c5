"""Every URL the portal answers, read from the URL resolver, with a concrete path for each."""

from __future__ import annotations

import re
from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver

# A value for each URL parameter name the routes use (admin's included).
SAMPLES = {
    "slug": "orders",
    "scan_id": "1",
    "pk": "1",
    "key": "config",
    "table": "teams",
    "object_id": "1",
    "content_type_id": "1",
    "id": "1",
    "app_label": "scorecards",
    "url": "no-such-page/",
}


def routes(
    resolver: URLResolver | None = None, prefix: str = ""
) -> Iterator[tuple[str, URLPattern]]:
    """(route, pattern) for every URL pattern, the route being its full pattern text."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from routes(entry, prefix + str(entry.pattern))
        else:
            yield prefix + str(entry.pattern), entry


def concrete(route: str) -> str:
    """A path that the route matches, parameters filled from ``SAMPLES``."""
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: SAMPLES[m[1]], route)  # regex groups
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: SAMPLES[m[1]], path)  # path converters
    return "/" + path.replace("^", "").replace("$", "")

"""Catalogue markdown (remediation, how a check decides) rendered to sanitised HTML.

The catalogue is ours, but it is still text: nh3 keeps only harmless tags and attributes, so a
careless edit can never put a script or an event handler on a page.
"""

from __future__ import annotations

from functools import lru_cache

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

_TAGS = {
    "p", "a", "code", "pre", "em", "strong", "ul", "ol", "li", "blockquote",
    "h3", "h4", "h5", "table", "thead", "tbody", "tr", "th", "td", "br",
}  # fmt: skip


@lru_cache(maxsize=512)  # a few hundred catalogue texts, rendered once per process
def render_markdown(text: str) -> SafeString:
    html = markdown.markdown(text or "", extensions=["fenced_code", "tables"])
    clean = nh3.clean(
        html,
        tags=_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"https", "http", "mailto"},
        link_rel="noopener noreferrer",
    )
    return mark_safe(clean)  # sanitised by nh3 just above

"""Allow-list cleaning of HTML written by content authors (question text, answers, feedback).

Pure Python on purpose (nh3, no Django): importers, model saves, data migrations and templates
all call the same function, so what is stored and what is shown pass one allow-list.
"""

import html
from urllib.parse import urlsplit

import nh3

__all__ = ["ALLOWED_TAGS", "clean_html", "html_to_text"]

ALLOWED_TAGS = frozenset(
    {
        *("p", "br", "strong", "b", "em", "i", "u", "sub", "sup", "code", "pre"),
        *("ul", "ol", "li"),
        *("table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td"),
        *("img", "a"),
    }
)
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
# Removed together with everything inside them, not just unwrapped.
_DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "iframe", "object", "embed", "noscript", "template", "textarea", "title"}
)
_LINK_SCHEMES = frozenset({"http", "https", "mailto"})
_IMAGE_SCHEMES = frozenset({"http", "https"})


def _keep_url(tag: str, attribute: str, value: str) -> str | None:
    """Links: http(s), mailto or relative; images: http(s) or relative only."""
    if (tag, attribute) not in (("a", "href"), ("img", "src")):
        return value
    scheme = urlsplit(value.strip()).scheme.lower()
    allowed = _LINK_SCHEMES if tag == "a" else _IMAGE_SCHEMES
    return value if not scheme or scheme in allowed else None


_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(_DROPPED_WITH_CONTENT),
    attributes=_ATTRIBUTES,
    attribute_filter=_keep_url,
    url_schemes=set(_LINK_SCHEMES),
    link_rel="noopener noreferrer",
    strip_comments=True,
)
_TEXT_ONLY = nh3.Cleaner(tags=set(), clean_content_tags=set(_DROPPED_WITH_CONTENT))


def clean_html(value: str) -> str:
    """The fragment with only allowed tags, attributes and URLs; idempotent."""
    if not value:
        return value
    return _CLEANER.clean(value)


def html_to_text(value: str) -> str:
    """The text a reader sees in an HTML fragment, for places that show plain text."""
    if not value:
        return value
    return html.unescape(_TEXT_ONLY.clean(value))

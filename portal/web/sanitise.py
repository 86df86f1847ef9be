"""The one place free text becomes HTML. bleach gets no more releases: swap it here only."""

from __future__ import annotations

import bleach
from markupsafe import Markup

ALLOWED_TAGS = frozenset({"p", "br", "strong", "em", "ul", "ol", "li"})


def sanitise_html(text: str | None) -> Markup:
    """User text as safe HTML: a short allow-list of tags, no attributes, no links."""
    cleaned = bleach.clean(text or "", tags=ALLOWED_TAGS, attributes={}, protocols=[], strip=True)
    return Markup(cleaned)  # noqa: S704 - bleach output with no attributes allowed  # nosec B704


def text_to_html(text: str | None) -> Markup:
    """Plain text with its paragraphs and line breaks kept, everything else escaped."""
    escaped = Markup.escape(text or "")
    paragraphs = [p.replace("\n", Markup("<br>")) for p in escaped.replace("\r\n", "\n").split("\n\n")]
    return Markup("").join(Markup('<p class="govuk-body">{}</p>').format(p) for p in paragraphs if p.strip())

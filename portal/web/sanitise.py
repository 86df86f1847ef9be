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
    # Escaped once, then joined as plain strings (nothing else goes in): Markup's own format and
    # replace escape their arguments again, which cost more than the rest of a log entry.
    escaped = str(Markup.escape(text or "")).replace("\r\n", "\n")
    paragraphs = [p.replace("\n", "<br>") for p in escaped.split("\n\n") if p.strip()]
    return Markup("".join(f'<p class="govuk-body">{p}</p>' for p in paragraphs))  # noqa: S704  # nosec B704

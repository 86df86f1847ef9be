"""The tables that the security tests are driven by. A new route joins by adding a line.

- ARG_VALUES: a value for each URL argument that is not a database id (ids come from
  the `world` fixture, owned by agency A and partnership X).
- SHARED_ACROSS_SCOPE: routes a scoped role (agency lead, CSP team) may open for
  records of *another* agency or partnership, each with its reason. Every other route
  that names an id must answer a neighbour exactly as it answers a missing id.
- RUN_LAST: routes that end the session or delete what later URLs name.
"""

from __future__ import annotations

MISSING_ID = 987654

ARG_VALUES = {
    # Ids: overridden by the world fixture with records of agency A / partnership X.
    "review_id": MISSING_ID,
    "subject_id": MISSING_ID,
    "request_id": MISSING_ID,
    "user_id": MISSING_ID,
    "message_id": MISSING_ID,
    "partnership_id": MISSING_ID,
    "agency_id": MISSING_ID,
    "document_id": MISSING_ID,
    "entry_id": MISSING_ID,
    "inquiry_id": MISSING_ID,
    "member_id": MISSING_ID,
    # Not ids
    "token": "not-a-real-token",
    "kind": "nil-return",
    "filename": "dist/portal.css",
    "target": "initial-scoping",
    "topic": "review-process",
    "document_kind": "overview-report",
}

SHARED_ACROSS_SCOPE: dict[str, str] = {}

RUN_LAST = ("reviews.remove_subject", "accounts.sign_out")

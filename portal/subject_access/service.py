"""Find what the portal holds about one person, and audit every search and export.

A search runs a fixed number of queries (queries.py), whatever the data: subjects (once for
the names typed, once more for the aliases stored on the subjects found), trawls, the counts
of their requests, agencies' returns, family members, contact log entries and the people in
them, and media inquiries.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app

from portal.audit.service import record
from portal.clock import utcnow
from portal.subject_access import queries
from portal.subject_access.matching import words
from portal.subject_access.records import (
    Criteria,
    RecordKind,
    Results,
    entry_hits,
    media_hits,
    member_hits,
    return_hits,
    stored_aliases,
    subject_hits,
    trawl_hits,
)


def search(criteria: Criteria) -> Results:
    variants = criteria.variants()
    subjects = subject_hits(queries.subjects(variants), variants, criteria)
    stored = stored_aliases(subjects, variants)
    if stored:
        found = {hit.record_id for hit in subjects}
        more = subject_hits(queries.subjects(stored), stored, criteria)
        subjects += [hit for hit in more if hit.record_id not in found]
    everything = variants + stored
    members = member_hits(queries.family_members(everything), everything)
    hits = {
        RecordKind.SUBJECT: subjects,
        RecordKind.TRAWL_SUBJECT: trawl_hits(queries.trawls_naming(everything), everything, criteria),
        RecordKind.AGENCY_RETURN: return_hits(queries.returns_mentioning(everything), everything),
        RecordKind.FAMILY_MEMBER: members,
        RecordKind.FAMILY_CONTACT_ENTRY: entry_hits(everything, members),
        RecordKind.MEDIA_INQUIRY: media_hits(queries.media_inquiries(everything), everything),
    }
    return Results(criteria, variants, stored, hits, utcnow())


def search_and_record(criteria: Criteria, actor) -> Results:
    results = search(criteria)
    record("subject_access_searched", actor=actor, **_audit_detail(results))
    return results


def record_export(results: Results, actor, export_format: str) -> None:
    record("subject_access_exported", actor=actor, format=export_format, **_audit_detail(results))


def name_fingerprint(name: str) -> str:
    """A keyed hash of the searched name's words, for the audit log instead of the name.

    The name is personal data and the audit log is read by every admin, so it never goes
    there. A plain hash of a name can be reversed by trying names; keyed with the secret
    key it cannot, yet an admin with access to the server can still answer "was this
    person searched for?" by computing it again (flask shell), while the key is unchanged.
    """
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, " ".join(words(name)).encode(), hashlib.sha256).hexdigest()


def _audit_detail(results: Results) -> dict:
    return {
        "request_reference": results.criteria.request_reference,
        "name_fingerprint": name_fingerprint(results.criteria.name),
        "spellings": len(results.variants),
        "stored_aliases": len(results.stored_aliases),
        "date_of_birth_given": results.criteria.date_of_birth is not None,
        "counts": results.counts,
    }

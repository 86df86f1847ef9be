"""The downloads of what a search found: CSV to read and redact, JSON as a structured copy.

CSV goes through portal/web/exports.py, which neutralises cells a spreadsheet would run.
One row per field of each record found (records of different kinds have different fields),
so nothing is left out and the file stays one table. JSON keeps each record whole. Neither's
file name holds the person's name: downloads folders and proxies keep file names.
"""

from __future__ import annotations

import json
import re

from flask import Response

from portal.clock import to_local
from portal.subject_access.records import RecordKind, Results
from portal.web.exports import csv_response

FORMATS = ("csv", "json")
CSV_HEADER = ["Record type", "Record id", "Review", "Record", "Match", "Matched on", "Note", "Field", "Value"]


def filename(results: Results, extension: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9.-]+", "-", results.criteria.request_reference).strip("-.")
    when = to_local(results.searched_at).strftime("%Y-%m-%d")
    return f"subject-access-{stem or when}.{extension}"


def _matched_on(hit) -> str:
    return "; ".join(
        f"{m.field}: {m.value} ({m.strength.label}, searched “{m.searched}”)" for m in hit.matches
    )


def csv_rows(results: Results):
    for kind in RecordKind:
        for hit in results.hits[kind]:
            for label, value in hit.details:
                yield [
                    kind.label,
                    hit.record_id,
                    hit.review_reference,
                    hit.title,
                    hit.strength.label,
                    _matched_on(hit),
                    hit.note,
                    label,
                    value,
                ]


def as_csv(results: Results) -> Response:
    return _no_store(csv_response(filename(results, "csv"), CSV_HEADER, csv_rows(results)))


def as_json(results: Results) -> Response:
    criteria = results.criteria
    document = {
        "searched_at": to_local(results.searched_at).isoformat(timespec="seconds"),
        "request_reference": criteria.request_reference,
        "searched_for": {
            "name": criteria.name,
            "alternative_spellings": list(criteria.alternatives),
            "date_of_birth": criteria.date_of_birth.isoformat() if criteria.date_of_birth else None,
            "other_names_recorded_for_people_found": [variant.text for variant in results.stored_aliases],
        },
        "counts": results.counts,
        "records": {
            kind.value: [
                {
                    "record_type": kind.label,
                    "record_id": hit.record_id,
                    "review": hit.review_reference,
                    "record": hit.title,
                    "match": hit.strength.label,
                    "matched_on": [
                        {
                            "field": m.field,
                            "value": m.value,
                            "searched": m.searched,
                            "match": m.strength.label,
                        }
                        for m in hit.matches
                    ],
                    "note": hit.note,
                    "fields": dict(hit.details),
                }
                for hit in results.hits[kind]
            ]
            for kind in RecordKind
        },
    }
    response = Response(json.dumps(document, ensure_ascii=False, indent=2), mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename(results, "json")}"'
    return _no_store(response)


def _no_store(response: Response) -> Response:
    # The security headers say so for every page; a download says it itself, in case that changes.
    response.headers["Cache-Control"] = "no-store"
    return response

"""Turning an answer form into the fields of a TrawlReturn."""

from __future__ import annotations

from portal.trawls.forms import InvolvementForm, NilReturnForm


def return_values(form: NilReturnForm | InvolvementForm) -> dict:
    values = {
        "personal_interest": bool(form.personal_interest.data),
        "personal_interest_note": (form.personal_interest_note.data or "").strip()
        if form.personal_interest.data
        else "",
    }
    if isinstance(form, NilReturnForm):
        values.update({name: bool(getattr(form, name).data) for name in NilReturnForm.SEARCH_FIELDS})
    else:
        values.update(
            {
                "summary": form.summary.data.strip(),
                "contact_from": form.contact_from.data,
                "contact_to": form.contact_to.data,
                "contact_outside_scope": bool(form.contact_outside_scope.data),
                "contact_outside_scope_note": (form.contact_outside_scope_note.data or "").strip(),
                "records_secured": bool(form.records_secured.data),
            }
        )
    return values

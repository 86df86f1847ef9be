"""Every audited event, declared once with the detail fields it must carry.

record() refuses an event that is not declared here, or whose detail has
missing or extra fields, so the log stays consistent and free of stray data.
Detail never holds special-category data: ids and field names, not contents.
"""

EVENTS: dict[str, frozenset[str]] = {
    # Accounts
    "sign_in": frozenset(),
    "sign_in_failed": frozenset({"reason"}),
    "sign_out": frozenset(),
    "session_ended": frozenset({"reason"}),
    "access_refused": frozenset({"path", "method"}),
    "password_set": frozenset(),
    "set_password_link_created": frozenset({"expires_at"}),
    # Two-factor sign-in
    "two_factor_enrolled": frozenset(),
    "two_factor_code_accepted": frozenset(),
    "two_factor_code_refused": frozenset({"reason"}),
    "recovery_code_used": frozenset({"remaining"}),
    "recovery_code_refused": frozenset({"reason"}),
    "two_factor_reset": frozenset(),
    "sessions_ended_by_admin": frozenset({"count"}),
    # Administration
    "user_created": frozenset({"role"}),
    "user_updated": frozenset({"changed"}),
    "user_deactivated": frozenset(),
    "user_reactivated": frozenset(),
    "partnership_created": frozenset(),
    "partnership_updated": frozenset({"changed"}),
    "agency_created": frozenset({"sector"}),
    "agency_updated": frozenset({"changed"}),
    "demo_data_loaded": frozenset({"counts"}),
    "outbox_message_retried": frozenset({"previous_status", "attempts"}),
    # Reviews and subjects
    "review_created": frozenset({"kind"}),
    "review_updated": frozenset({"changed"}),
    "review_subjects_viewed": frozenset(),
    "subject_added": frozenset({"review_id"}),
    "subject_updated": frozenset({"review_id", "changed"}),
    "subject_removed": frozenset({"review_id"}),
    # Trawls and returns
    "trawl_issued": frozenset({"agency_ids", "due_date"}),
    "trawl_request_viewed": frozenset(),
    "return_viewed": frozenset({"return_number"}),
    "return_submitted": frozenset({"kind", "return_number", "on_behalf"}),
    "return_accepted": frozenset(),
    "extension_requested": frozenset({"proposed_date"}),
    "extension_granted": frozenset({"due_date"}),
    "extension_refused": frozenset(),
    "request_chased": frozenset({"method"}),
    "due_date_recalculated": frozenset({"from_date", "to_date", "reason"}),
    "bank_holiday_added": frozenset({"date"}),
    "export_downloaded": frozenset({"export"}),
    # Lifecycle and publication
    "review_stage_changed": frozenset({"to_stage"}),
    "review_suspended": frozenset({"reason"}),
    "review_resumed": frozenset({"suspended_days"}),
    "review_key_dates_changed": frozenset({"changed"}),
    "publication_document_uploaded": frozenset({"kind", "size_bytes", "sha256", "replaced_sha256"}),
    "publication_document_downloaded": frozenset({"kind", "document_id"}),
    "publication_held": frozenset({"held_until"}),
    "publication_removal_verified": frozenset({"checks"}),
    "publication_removal_check_failed": frozenset({"failed_urls"}),
    # Family contact: ids, purposes and field names only, never what was said or to whom
    "family_contact_viewed": frozenset({"page"}),
    "family_member_added": frozenset({"review_id"}),
    "family_member_updated": frozenset({"review_id", "changed"}),
    "family_contact_entry_added": frozenset({"review_id", "purpose"}),
    "family_contact_entry_updated": frozenset({"review_id", "changed"}),
    "family_contact_entry_marked_in_error": frozenset({"review_id"}),
    # Media inquiries (the question and the journalist's details never go in the log)
    "media_inquiry_logged": frozenset({"topic", "review_id"}),
    "media_inquiry_routed": frozenset({"recipient_kinds"}),
    "media_inquiry_status_changed": frozenset({"from_status", "to_status"}),
    "media_inquiry_reassigned": frozenset({"changed"}),
    "media_inquiry_viewed": frozenset(),
    "media_routing_rule_updated": frozenset({"topic", "recipients"}),
    "review_media_contact_updated": frozenset({"review_id", "changed"}),
    # Subject access requests: counts and a keyed hash of the name searched, never the name itself
    "subject_access_searched": frozenset(
        {
            "request_reference",
            "name_fingerprint",
            "spellings",
            "stored_aliases",
            "date_of_birth_given",
            "counts",
        }
    ),
    "subject_access_exported": frozenset(
        {
            "request_reference",
            "name_fingerprint",
            "spellings",
            "stored_aliases",
            "date_of_birth_given",
            "counts",
            "format",
        }
    ),
    # Retention and legal holds: one entry per deletion, with counts and dates, never contents
    "retention_review_personal_data_deleted": frozenset({"reference", "closed_on", "retention", "counts"}),
    "retention_published_report_deleted": frozenset({"reference", "closed_on", "retention", "counts"}),
    "retention_media_inquiry_deleted": frozenset({"review_id", "finished_on", "retention", "counts"}),
    "retention_sign_in_records_deleted": frozenset({"before", "retention", "counts"}),
    "legal_hold_set": frozenset({"review_id", "reason"}),
    "legal_hold_changed": frozenset({"review_id", "changed"}),
    "legal_hold_lifted": frozenset({"review_id", "reason"}),
}

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
}

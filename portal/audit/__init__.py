"""The append-only audit log: who did or saw what, and when."""

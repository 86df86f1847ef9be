"""Subject access requests: find and export what the portal holds about one person (admins only)."""

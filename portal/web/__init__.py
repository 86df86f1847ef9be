"""Cross-cutting web helpers: access rules, htmx, security headers, errors, filters."""

"""Pages that belong to no domain area: home, accessibility statement, health."""

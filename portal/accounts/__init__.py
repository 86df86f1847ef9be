"""People who sign in: their roles, passwords, sessions and set-password links."""

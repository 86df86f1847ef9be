"""Administration: users, partnerships and agencies."""

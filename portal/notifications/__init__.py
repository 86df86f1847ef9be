"""Email: building messages that carry no special-category detail, and sending them."""

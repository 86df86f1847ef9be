"""Retention: how long each class of record is kept, legal holds, and the deletion job's rules."""

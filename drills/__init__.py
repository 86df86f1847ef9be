"""Reliability drills: each script provokes a fault, bounded in time, and prints its figure.

Run them all with `make drills`; `make test` runs the fast ones (`--quick`).
"""

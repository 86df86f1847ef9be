"""Scheduled jobs: one scheduler process, one module per job, a lock per job, a log of runs.

Adding a job: write portal/jobs/<name>.py with a `run()` that returns a dict
of counts (and is safe to run twice), then add one line to JOBS in registry.py.
"""

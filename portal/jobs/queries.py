from __future__ import annotations

from collections import defaultdict

from peewee import fn

from portal.jobs.models import JobRun


def recent_runs(per_job: int = 10) -> dict[str, list[JobRun]]:
    """Each job's latest runs, newest first, in one query (a daily job is not crowded
    out by one that runs every minute)."""
    ranked = JobRun.select(
        JobRun.id,
        fn.ROW_NUMBER()
        .over(partition_by=[JobRun.job], order_by=[JobRun.started_at.desc(), JobRun.id.desc()])
        .alias("position"),
    ).alias("ranked")
    query = (
        JobRun.select()
        .join(ranked, on=(JobRun.id == ranked.c.id))
        .where(ranked.c.position <= per_job)
        .order_by(JobRun.job, JobRun.started_at.desc(), JobRun.id.desc())
    )
    runs: dict[str, list[JobRun]] = defaultdict(list)
    for run in query:
        runs[run.job].append(run)
    return runs

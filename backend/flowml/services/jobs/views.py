"""Row -> public shape conversions shared by the API and the event payloads."""

from __future__ import annotations

from flowml.db.tables import Job, JobPublic, Trial, TrialPublic


def job_view(job: Job) -> JobPublic:
    return JobPublic.model_validate(job, from_attributes=True)


def trial_view(trial: Trial, rank: int | None = None) -> TrialPublic:
    view = TrialPublic.model_validate(trial, from_attributes=True)
    view.rank = rank
    return view

"""Trial.status, Worker.status and Worker.kind are enums in Python and plain strings in SQL (no migration)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, select

from flowml.db.tables import Job, Trial, TrialState, Worker, WorkerKind, WorkerPresence


def test_rows_come_back_with_their_enums_stored_as_the_same_strings() -> None:
    engine = sa.create_engine("sqlite://")
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        job = Job(name="j", dataset_id="d", target_column="y", problem_type="binary", metric="roc_auc", time_budget=1)
        session.add(job)
        session.add(Trial(job_id=job.id, trial_number=0, algorithm="svm", status="completed"))
        session.add(Worker(name="w1", hostname="h", kind="remote", status=WorkerPresence.OFFLINE))
        session.commit()
    with engine.connect() as connection:  # what SQL holds: the values as before, as text
        assert connection.execute(sa.text("SELECT status FROM trials")).scalar_one() == "completed"
        assert connection.execute(sa.text("SELECT kind, status FROM workers")).one() == ("remote", "offline")
    with Session(engine) as session:
        trial = session.exec(select(Trial)).one()
        worker = session.exec(select(Worker)).one()
        assert trial.status is TrialState.COMPLETED
        assert (worker.kind, worker.status) == (WorkerKind.REMOTE, WorkerPresence.OFFLINE)
        assert type(worker.kind) is WorkerKind and type(worker.status) is WorkerPresence
    assert isinstance(Trial.__table__.c.status.type.impl, sa.String)  # type: ignore[attr-defined]

"""A training run on this machine (engine/run.py with a local process pool), from a typed table: what
`flowml.AutoML.fit` runs, and the same steps `flowml train` takes from a file.

The table is staged as the server stores an upload (the same Parquet bytes, so the same hash) and read back from
those bytes, so a DataFrame handed to AutoML and the same rows in a file given to `flowml train` make the same
request, and with the same seed and max_trials the same leaderboard and model.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from flowml.core.errors import InvalidInputError
from flowml.data.formats import sha256_of_bytes, write_parquet_bytes
from flowml.data.ingest import IngestedTable
from flowml.engine.algorithms import default_registry
from flowml.engine.executor import LocalExecutor
from flowml.engine.metrics import MetricSpec, default_metric, get_metric
from flowml.engine.pool import LocalProcessPool
from flowml.engine.preprocessor import default_preprocessors
from flowml.engine.problem import check_target
from flowml.engine.run import (
    DirectoryStorage,
    PreparedData,
    RunEvents,
    RunOutcome,
    RunPorts,
    RunRequest,
    prepare_data,
    run_training,
)
from flowml.engine.types import ProblemType


@dataclass(frozen=True)
class LocalRunSpec:
    """What the user chose; `time_budget` in seconds from `started_at` (unix time), final fit included. Task
    "clustering" has no `target` and may name a `reference` grouping to compare the clusters with."""

    target: str | None
    task: str
    metric: str | None
    algorithms: list[str] | None
    folds: int
    max_trials: int | None
    seed: int
    time_budget: float
    started_at: float
    workers: int
    # The worker processes keep libraries' warnings (convergence, deprecation) to themselves: AutoML(verbose=0).
    quiet: bool = False
    # Preprocessors every trial runs before its estimator, in order (engine/preprocessor.py); none by default.
    preprocessors: list[str] = field(default_factory=list)
    # Clustering only: a known grouping kept out of the features, compared with the clusters in the model card.
    reference: str | None = None


@dataclass(frozen=True)
class StagedTable:
    path: Path
    sha256: str
    problem: ProblemType
    data: PreparedData
    notes: list[str]  # the read's and the target check's


@dataclass(frozen=True)
class LocalPlan:
    """The run as decided before it starts: shown to the user (notes, dropped columns, what is optimized)."""

    table: StagedTable
    metric: MetricSpec
    algorithms: list[str]
    preprocessors: list[str]

    def request(self, spec: LocalRunSpec, *, job_id: str, dataset_path: Path | None = None) -> RunRequest:
        """The training run this plan makes of `spec`: reading the staged table, or `dataset_path` (the same bytes
        kept where a server's workers fetch them)."""
        return RunRequest(
            job_id=job_id,
            dataset_path=str(dataset_path or self.table.path),
            dataset_sha256=self.table.sha256,
            problem=self.table.problem,
            plan=self.table.data.plan,
            n_rows=self.table.data.n_rows,
            metric=self.metric.name,
            algorithms=self.algorithms,
            preprocessors=self.preprocessors,
            n_folds=spec.folds,
            folds_used=self.table.data.n_folds,
            seed=spec.seed,
            started_at=spec.started_at,
            deadline=spec.started_at + spec.time_budget,
            validation=self.table.data.validation,
            max_trials=spec.max_trials,
        )

    def steps_line(self) -> str | None:
        """What `flowml train` and `AutoML(verbose=1)` print about the preprocessing steps; None without any."""
        return f"preprocessing before each model: {', then '.join(self.preprocessors)}" if self.preprocessors else None


def stage_table(ingested: IngestedTable, spec: LocalRunSpec, workdir: Path) -> StagedTable:
    """The table as Parquet in `workdir`, the resolved problem type and the run's view of the table (blocking)."""
    check_columns(spec, list(ingested.df.columns))
    path = workdir / "data.parquet"
    parquet = write_parquet_bytes(ingested.df)
    path.write_bytes(parquet)
    frame = pl.read_parquet(path).to_pandas()
    if spec.target is None:  # check_columns let this through for clustering only
        problem = ProblemType.CLUSTERING
    else:
        problem, _ = check_target(frame[spec.target], spec.task, spec.folds)
    kinds = {column: str(kind) for column, kind in ingested.kinds.items()}
    data = prepare_data(frame, spec.target, problem, kinds, spec.folds, spec.time_budget, reference=spec.reference)
    return StagedTable(path, sha256_of_bytes(parquet), problem, data, [*ingested.notes, *data.notes])


def check_columns(spec: LocalRunSpec, columns: list[str]) -> None:
    """The target (none for clustering, one otherwise) and the reference column name columns of the table."""
    clustering = spec.task == ProblemType.CLUSTERING.value
    if clustering and spec.target is not None:
        raise InvalidInputError(
            "clustering takes no target column; name a known grouping as the reference to compare the clusters with"
        )
    if not clustering and spec.target is None:
        raise InvalidInputError(
            f"task {spec.task} needs a target column to predict; to find groups in a table with no target, choose "
            "the clustering task"
        )
    if not clustering and spec.reference is not None:
        raise InvalidInputError("a reference column is for clustering only; a model with a target learns the target")
    for what, name in (("target", spec.target), ("reference", spec.reference)):
        if name is not None and name not in columns:
            raise InvalidInputError(f"{what} column {name!r} is not in the table; columns: {', '.join(columns)}")


def plan_run(ingested: IngestedTable, spec: LocalRunSpec, workdir: Path) -> LocalPlan:
    # The names are checked before the table is staged: a mistyped step fails at once, not after the read.
    if spec.task == ProblemType.CLUSTERING.value and spec.preprocessors:
        raise InvalidInputError(
            "preprocessing steps are for tasks with a target; clustering searches its own PCA reduction"
        )
    preprocessors = default_preprocessors().choose(spec.preprocessors)
    table = stage_table(ingested, spec, workdir)
    metric = get_metric(spec.metric, table.problem) if spec.metric else default_metric(table.problem)
    return LocalPlan(table, metric, default_registry().choose(spec.algorithms, table.problem), preprocessors)


async def run_local(
    ingested: IngestedTable,
    spec: LocalRunSpec,
    *,
    output: Path,
    workdir: Path,
    events: RunEvents,
    planned: Callable[[LocalPlan], None] | None = None,
) -> tuple[LocalPlan, RunOutcome]:
    """Stage, plan, then run with `spec.workers` local processes; the package goes to `output`. `planned` sees the
    plan before the search starts. The pool starts first: importing the ML stack in it overlaps the staging."""
    pool = LocalProcessPool(spec.workers, quiet=spec.quiet)
    pool_ready = asyncio.create_task(pool.start())
    try:
        try:
            plan = await asyncio.to_thread(plan_run, ingested, spec, workdir)
        finally:
            await pool_ready
        if planned is not None:
            planned(plan)
        request = plan.request(spec, job_id=uuid.uuid4().hex)
        ports = RunPorts(
            executor=LocalExecutor(pool),
            storage=DirectoryStorage(package=output, scratch=workdir),
            events=events,
            registry=default_registry(),
        )
        return plan, await run_training(request, ports)
    finally:
        await pool.close(graceful=False)

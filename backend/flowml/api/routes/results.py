"""Results: leaderboards, trials, models, prediction, download, ONNX export and held-out evaluation."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Query, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field, model_validator

from flowml.api.auth import CurrentUser, current_user
from flowml.api.deps import CtxDep, JobDep, ModelDep
from flowml.api.rate_limit import rate_limit
from flowml.api.routes.predictions import BatchAccepted, RowExplanation
from flowml.api.routes.responses import error_responses, signed_in
from flowml.api.uploads import spool_upload
from flowml.core.errors import InvalidInputError, NotFoundError
from flowml.data.formats import extension_of, read_table
from flowml.data.limits import ReadLimits
from flowml.db.tables import TrainedModel, TrainedModelPublic, TrainedModelsPublic, TrialPublic
from flowml.engine.clustering.report_models import ClusterReport
from flowml.engine.metrics import better, get_metric, rank_key
from flowml.engine.types import ProblemType
from flowml.services import batch_scoring, explanations, models
from flowml.services.history import ListFilters
from flowml.services.jobs import service as jobs
from flowml.services.jobs.delivered import DeliveredModel, delivered_model
from flowml.services.jobs.views import trial_view

router = APIRouter(prefix="/api/results", tags=["results"], dependencies=[Depends(current_user)], responses=signed_in())

# One budget per client for both prediction routes: each call runs the model in this process.
PREDICT_LIMIT = rate_limit("predict", lambda settings: settings.PREDICT_RATE_PER_MINUTE)


class SeedLeaderboardEntry(BaseModel):
    """One model of the leaderboard in the shape the seed's README documented."""

    algorithm: str
    metrics: dict[str, float] = Field(description="The job's metric and every other metric of the trial, by name")
    training_time: float = Field(description="Seconds to fit the model once (mean over the cross-validation folds)")

    @classmethod
    def of(cls, trial: TrialPublic, metric: str) -> SeedLeaderboardEntry:
        scores = {**trial.other_metrics, **({metric: trial.score} if trial.score is not None else {})}
        return cls(algorithm=trial.algorithm, metrics=scores, training_time=trial.fit_time)


class Leaderboard(BaseModel):
    job_id: str
    metric: str
    greater_is_better: bool
    items: list[TrialPublic]
    delivered: DeliveredModel | None = Field(
        description="The model the job delivered (its banner's score), placed by `rank` among `items`; null "
        "until the job has a model"
    )
    models: list[SeedLeaderboardEntry] = Field(
        description="Seed-compatible view of `items`, in the same order, with a delivered ensemble at its rank"
    )


class TrialsPublic(BaseModel):
    items: list[TrialPublic]
    count: int


class CurvePoint(BaseModel):
    seconds: float = Field(description="Seconds since the job started")
    best_score: float
    trial_number: int | None = Field(description="The trial that set this best; null for the delivered ensemble")
    algorithm: str
    kind: Literal["trial", "ensemble"] = Field(
        default="trial", description="ensemble: the last point, the delivered ensemble when the job finalized"
    )


class Curve(BaseModel):
    job_id: str
    metric: str
    greater_is_better: bool
    points: list[CurvePoint]


class PredictRequest(BaseModel):
    rows: list[dict[str, Any]] | None = Field(default=None, description="Several rows")
    row: dict[str, Any] | None = Field(default=None, description="One row")
    data: dict[str, Any] | list[dict[str, Any]] | None = Field(
        default=None, description="Seed-compatible: one row as an object, or several as a list of objects"
    )
    explain: bool = Field(
        default=False,
        description="Also return `explanations`: each row's top contributing columns (SHAP); at most 100 rows",
    )

    @model_validator(mode="after")
    def _one_of(self) -> PredictRequest:
        if [self.rows, self.row, self.data].count(None) != 2:
            raise ValueError("send one of `row` (one object), `rows` (a list of objects) or `data` (either)")
        return self

    def all_rows(self) -> list[dict[str, Any]]:
        given = next(value for value in (self.rows, self.row, self.data) if value is not None)
        return given if isinstance(given, list) else [given]


class Prediction(BaseModel):
    predictions: list[Any]
    probabilities: list[dict[str, float]] | None
    classes: list[Any] | None
    warnings: list[str]
    latency_ms: float
    engine: str = Field(description="onnx when the ONNX graph passed its parity check at export, else native")
    # The seed README's answer, beside ours.
    prediction: Any | None = Field(description="The prediction when one row was sent; null for several rows")
    probability: list[float] | None = Field(
        description="One row's class probabilities, in the order of `classes`; null for regression or several rows"
    )
    execution_time: float = Field(description="Seconds the prediction took (latency_ms in seconds)")
    explanations: list[RowExplanation] | None = Field(
        default=None, description="With `explain: true`: one per row, in order; otherwise null"
    )
    clusters: list[int] | None = Field(
        default=None,
        description="Clustering models: each row's cluster id, in order (the same ids as `predictions`); null for "
        "models with a target",
    )
    cluster_names: list[str] | None = Field(
        default=None,
        description="Clustering models: each row's cluster name, in order, as the model card names the clusters; "
        "null for models with a target",
    )


class RocPoint(BaseModel):
    fpr: float = Field(description="False positive rate")
    tpr: float = Field(description="True positive rate")


class RocCurve(BaseModel):
    label: str = Field(description="The class this curve separates from the others")
    auc: float = Field(description="Area under the full curve")
    points: list[RocPoint] = Field(description="At most 101 points, from (0,0) to (1,1)")


class ThresholdPoint(BaseModel):
    threshold: float = Field(description="A row is predicted positive when its positive-class probability >= this")
    tp: int = Field(description="Real positives predicted positive")
    fp: int = Field(description="Real negatives predicted positive")
    tn: int = Field(description="Real negatives predicted negative")
    fn: int = Field(description="Real positives predicted negative")


class GainsPoint(BaseModel):
    fraction: float = Field(description="Share of rows, taken most-likely-positive first")
    captured: float = Field(description="Share of all real positives among them; lift = captured / fraction")


class ThresholdTable(BaseModel):
    positive_label: str = Field(description="The positive class (the second label)")
    negative_label: str
    n_positive: int
    n_negative: int
    points: list[ThresholdPoint] = Field(description="Counts at thresholds 0, 0.01, ..., 1")
    gains: list[GainsPoint] = Field(description="Cumulative gains at every 1% of rows, from 0 to 1")


class ClassificationEvaluation(BaseModel):
    labels: list[str] = Field(description="Class labels as text, in the order of the matrix rows and columns")
    confusion_matrix: list[list[int]] = Field(description="Rows: actual class; columns: predicted class")
    roc: list[RocCurve] = Field(description="Binary: one curve for the positive class; multiclass: one per class")
    thresholds: ThresholdTable | None = Field(
        default=None,
        description="Binary models: counts per decision threshold and the gains curve; null for multiclass models "
        "and for models trained before the table was recorded",
    )


class ScatterPoint(BaseModel):
    actual: float
    predicted: float


class ResidualBin(BaseModel):
    start: float
    end: float
    count: int = Field(description="Rows whose residual (actual - predicted) is in [start, end); the last holds end")


class RegressionEvaluation(BaseModel):
    points: list[ScatterPoint] = Field(description="At most 500 rows, the same sample on every request")
    residual_bins: list[ResidualBin] = Field(description="At most 30 equal-width bins")
    rmse: float
    mae: float
    r2: float


class ModelEvaluation(BaseModel):
    model_id: str
    task: Literal["binary", "multiclass", "regression"]
    source: str = Field(description="Where the predictions come from, in plain words")
    n_rows: int = Field(description="Rows evaluated")
    classification: ClassificationEvaluation | None
    regression: RegressionEvaluation | None


@router.get("/job/{job_id}/leaderboard", response_model=Leaderboard, responses=error_responses(404))
async def leaderboard(ctx: CtxDep, job: JobDep) -> Any:
    trials = [t for t in await jobs.list_trials(ctx, job.id) if t.status == "completed" and t.score is not None]
    metric = get_metric(job.metric, ProblemType(job.problem_type))
    trials.sort(key=lambda t: (rank_key(metric, t.score or 0.0), t.trial_number))
    items = [trial_view(t, rank) for rank, t in enumerate(trials, start=1)]
    models = [SeedLeaderboardEntry.of(item, job.metric) for item in items]
    delivered = delivered_model(job, await _job_model(ctx, job.model_id), trials, metric)
    if delivered is not None and delivered.kind == "ensemble" and delivered.score is not None:
        at = (delivered.rank or len(models) + 1) - 1
        scores = {**delivered.other_metrics, job.metric: delivered.score}
        models.insert(at, SeedLeaderboardEntry(algorithm="ensemble", metrics=scores, training_time=delivered.fit_time))
    return Leaderboard(
        job_id=job.id,
        metric=job.metric,
        greater_is_better=metric.greater_is_better,
        items=items,
        delivered=delivered,
        models=models,
    )


async def _job_model(ctx: CtxDep, model_id: str | None) -> TrainedModel | None:
    """The job's model row; None when it has none or it was deleted."""
    if model_id is None:
        return None
    try:
        return await models.get_model(ctx, model_id)
    except NotFoundError:
        return None


@router.get("/job/{job_id}/curve", response_model=Curve, responses=error_responses(404))
async def best_score_curve(ctx: CtxDep, job: JobDep) -> Any:
    """The best score so far each time it improved: the anytime curve of the search, ending, when the job delivered
    an ensemble, at the ensemble's score (the job's best_score) at the time the job finalized."""
    metric = get_metric(job.metric, ProblemType(job.problem_type))
    trials = await jobs.list_trials(ctx, job.id)
    done = [t for t in trials if t.score is not None and t.finished_at is not None]
    done.sort(key=lambda t: (t.finished_at, t.trial_number))
    points: list[CurvePoint] = []
    start = job.started_at or job.created_at
    for trial in done:
        assert trial.score is not None and trial.finished_at is not None
        if points and not better(metric, trial.score, points[-1].best_score):
            continue
        seconds = max(0.0, (trial.finished_at - start).total_seconds())
        points.append(
            CurvePoint(
                seconds=seconds, best_score=trial.score, trial_number=trial.trial_number, algorithm=trial.algorithm
            )
        )
    # The delivered ensemble is the search's last step: the curve ends at the score the job's banner shows.
    delivered = delivered_model(job, await _job_model(ctx, job.model_id), trials, metric)
    if delivered is not None and delivered.kind == "ensemble" and delivered.score is not None:
        seconds = max(points[-1].seconds if points else 0.0, (delivered.finished_at - start).total_seconds())
        points.append(
            CurvePoint(
                seconds=seconds,
                best_score=delivered.score,
                trial_number=None,
                algorithm=delivered.label.lower(),
                kind="ensemble",
            )
        )
    return Curve(job_id=job.id, metric=job.metric, greater_is_better=metric.greater_is_better, points=points)


@router.get("/job/{job_id}/trials", response_model=TrialsPublic, responses=error_responses(404))
async def trials(ctx: CtxDep, job: JobDep) -> Any:
    items = [trial_view(t) for t in await jobs.list_trials(ctx, job.id)]
    return TrialsPublic(items=items, count=len(items))


@router.get("/models", response_model=TrainedModelsPublic)
async def list_models(
    ctx: CtxDep,
    user: CurrentUser,
    q: Annotated[
        str | None, Query(max_length=255, description="Words to find in name, notes, tags, target or algorithm")
    ] = None,
    tag: Annotated[str | None, Query(max_length=40, description="Only models with this tag (ignoring case)")] = None,
    project_id: Annotated[str | None, Query(description='A project id, or "private" for models in no project')] = None,
) -> Any:
    """The models the caller may see (their own, their projects', everyone's for an admin), newest first."""
    items = await models.list_models(ctx, user, ListFilters(q=q, tag=tag, project_id=project_id))
    return {"items": items, "count": len(items)}


@router.get("/model/{model_id}", response_model=TrainedModelPublic, responses=error_responses(404))
async def get_model(model: ModelDep) -> Any:
    return model


@router.post(
    "/model/{model_id}/predict",
    response_model=Prediction,
    dependencies=[PREDICT_LIMIT],
    responses=error_responses(400, 404, 413, 422, 429, 500, 503),
)
async def predict(ctx: CtxDep, model: ModelDep, request: PredictRequest) -> Any:
    if request.explain:
        explanations.check_explainable(model, request.all_rows())  # before predicting: a refusal costs nothing
    answer = await models.predict_rows(ctx, model.id, request.all_rows())
    if request.explain:
        answer["explanations"] = await explanations.explain_rows(ctx, model, request.all_rows())
    return answer


@router.post(
    "/model/{model_id}/predict/batch",
    response_class=Response,
    dependencies=[PREDICT_LIMIT],
    responses={
        200: {
            "content": {"text/csv": {}},
            "description": "The `keep_columns`, then `prediction` and `proba_<class>` columns, one row per input row "
            "(a clustering model: `cluster`, `cluster_name` and, for mixtures, `proba_<cluster>`)",
        },
        202: {"model": BatchAccepted, "description": "explain=true: the batch is scored in the background"},
        **error_responses(400, 404, 413, 415, 422, 429, 500, 503),
    },
)
async def predict_batch(
    ctx: CtxDep,
    model: ModelDep,
    user: CurrentUser,
    file: Annotated[UploadFile, File()],
    keep_columns: Annotated[
        list[str],
        Query(max_length=200, description="Columns of the file copied into the scored file, first (e.g. an id)"),
    ] = [],  # noqa: B006 - FastAPI copies the default per request
    explain: Annotated[
        bool,
        Query(description="Add explanation columns; the file is then scored in the background (202 and a batch id)"),
    ] = False,
) -> Response:
    if not file.filename:
        raise InvalidInputError("the upload has no file name, so its format is unknown")
    extension = extension_of(file.filename)
    path = await spool_upload(file, ctx.settings.upload_dir, ctx.settings.max_upload_bytes)
    limits = ReadLimits.from_settings(ctx.settings)  # the same bomb and column limits as an upload
    try:
        frame = await asyncio.to_thread(
            lambda: models.table_to_pandas(read_table(path, extension=extension, min_columns=1, limits=limits))
        )
    finally:
        path.unlink(missing_ok=True)
    keep = batch_scoring.check_keep_columns(frame, keep_columns)
    if explain:
        accepted = BatchAccepted.of(await batch_scoring.start(ctx, model, frame, keep, user))
        return JSONResponse(accepted.model_dump(mode="json"), status_code=202)
    body, warnings = await models.predict_table(ctx, model.id, frame, keep)
    headers = {"Content-Disposition": f'attachment; filename="predictions-{model.id}.csv"'}
    if warnings:
        headers["X-FlowML-Warnings"] = " | ".join(warnings)[:2000].encode("ascii", "replace").decode()
    return Response(content=body, media_type="text/csv", headers=headers)


@router.get(
    "/model/{model_id}/download",
    response_class=Response,
    responses={
        200: {"content": {"application/zip": {}}, "description": "The model package as a zip"},
        **error_responses(404, 503),
    },
)
async def download_model(ctx: CtxDep, model: ModelDep) -> Response:
    body, filename = await models.package_zip(ctx, model.id)
    return Response(
        content=body,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get(
    "/model/{model_id}/evaluation",
    response_model=ModelEvaluation,
    responses=error_responses(
        404, 503, notes={404: "The model id names nothing, or the model has no evaluation: detail says why"}
    ),
)
async def model_evaluation(ctx: CtxDep, model: ModelDep) -> Any:
    """Held-out evaluation from the search's out-of-fold predictions of the model's configuration."""
    return await models.evaluation(ctx, model.id)


@router.get(
    "/model/{model_id}/clusters",
    response_model=ClusterReport,
    responses=error_responses(
        404,
        503,
        notes={404: "The model id names nothing, the model has a target (not clustering), or it has no cluster report"},
    ),
)
async def cluster_report(ctx: CtxDep, model: ModelDep) -> Any:
    """A clustering model's clusters: a profile and a name per cluster, a 2-D projection, silhouettes per cluster
    and the score against the number of clusters across the search's trials."""
    return await models.cluster_report(ctx, model.id)


@router.get(
    "/model/{model_id}/onnx",
    response_class=Response,
    responses={
        200: {"content": {"application/octet-stream": {}}, "description": "The model as an ONNX graph"},
        **error_responses(
            404, 500, 503, notes={404: "The model id names nothing, or the model has no usable ONNX export"}
        ),
    },
)
async def download_onnx(ctx: CtxDep, model: ModelDep) -> Response:
    body, filename = await models.onnx_file(ctx, model.id)
    return Response(
        content=body,
        media_type="application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )

"""`flowml.Client`: a FlowML server's REST API from Python, typed.

    from flowml import Client
    client = Client("http://192.168.1.10:8000", api_key="fml_...")   # or FLOWML_SERVER / FLOWML_API_KEY
    dataset = client.upload(df, name="churn")
    job = client.train(dataset.id, target="churned", budget_minutes=2)
    for event in client.events(job.id): print(event.type, event.data.get("progress"))
    model_id = client.wait(job.id).model_id
    client.predict(model_id, new_rows)        # a DataFrame in, a DataFrame out

Answers are the server's own response models (the OpenAPI schema's), so a field has the same name and type here as
in the API docs. The CLI's server commands (`flowml datasets|jobs|models`) are this client plus printing.
"""

from __future__ import annotations

import io
import os
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal

import httpx
import pandas as pd
import polars as pl
from pydantic import ValidationError

from flowml import __version__
from flowml.client.errors import API_KEY_ENV, SERVER_ENV, BadRequestError, JobFailedError, ServerError
from flowml.client.events import job_events
from flowml.client.http import HttpSession, Upload, segment
from flowml.data.formats import write_parquet_bytes
from flowml.data.frames import as_polars, leaderboard_frame
from flowml.db.tables.datasets import DatasetPublic
from flowml.db.tables.jobs import JobPublic, JobStatus, TrialPublic
from flowml.db.tables.models import TrainedModelPublic
from flowml.db.tables.users import UserPublic
from flowml.engine.clustering.report_models import ClusterReport
from flowml.services.jobs.requests import TrainingRequest

if TYPE_CHECKING:
    from flowml.events.schemas import Event

DEFAULT_SERVER = "http://127.0.0.1:8000"
WARNINGS_HEADER = "X-FlowML-Warnings"
Task = Literal["auto", "binary", "multiclass", "regression", "clustering"]
Table = pd.DataFrame | pl.DataFrame


class MissingCredentialError(ServerError):
    """Neither an API key nor a token was given, and FLOWML_API_KEY is unset."""


class Client:
    """A FlowML server's REST API. `server` defaults to FLOWML_SERVER (else http://127.0.0.1:8000), `api_key` to
    FLOWML_API_KEY; `token` takes an access token instead (`Client.login`). Close it, or use it in a `with`."""

    def __init__(
        self,
        server: str | None = None,
        api_key: str | None = None,
        *,
        token: str | None = None,
        transport: httpx.BaseTransport | None = None,
        user_agent: str = f"flowml-python/{__version__}",
    ) -> None:
        credential = token or api_key or os.environ.get(API_KEY_ENV, "").strip()
        if not credential:
            raise MissingCredentialError(
                f"no API key: pass api_key= (create one in the dashboard's Account page) or set {API_KEY_ENV}"
            )
        address = server or os.environ.get(SERVER_ENV, "").strip() or DEFAULT_SERVER
        self.http = HttpSession(address, credential, user_agent=user_agent, transport=transport)

    @classmethod
    def login(cls, server: str, username: str, password: str) -> Client:
        """Sign in with a password; the client then sends the access token (it lasts minutes: prefer an API key
        for long scripts)."""
        with HttpSession(server, None, user_agent=f"flowml-python/{__version__}") as anonymous:
            pair = anonymous.post("/api/auth/login", {"username": username, "password": password})
        return cls(server, token=str(pair["access_token"]))

    @property
    def server(self) -> str:
        return self.http.server

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self.http.close()

    def me(self) -> UserPublic:
        """The user this client acts as."""
        return UserPublic.model_validate(self.http.get("/api/auth/me"))

    # Datasets

    def upload(
        self,
        data: Table | Path | str,
        *,
        name: str | None = None,
        table: str | None = None,
        sheet: str | None = None,
        project_id: str | None = None,
    ) -> DatasetPublic:
        """Upload a pandas or polars DataFrame (sent as Parquet) or a file (csv, xlsx, parquet, ...)."""
        upload: Upload
        if isinstance(data, str | Path):
            upload = Path(data)
        else:
            upload = (f"{name or 'dataframe'}.parquet", write_parquet_bytes(as_polars(data)))
        fields = {"name": name, "table": table, "sheet": sheet, "project_id": project_id}
        sent = {key: value for key, value in fields.items() if value is not None}
        return DatasetPublic.model_validate(self.http.upload("/api/datasets/upload", upload, sent))

    def datasets(self) -> list[DatasetPublic]:
        return [DatasetPublic.model_validate(item) for item in self.http.get("/api/datasets")["items"]]

    def dataset(self, dataset_id: str) -> DatasetPublic:
        return DatasetPublic.model_validate(self.http.get(f"/api/datasets/{segment(dataset_id)}"))

    def delete_dataset(self, dataset_id: str) -> None:
        self.http.delete(f"/api/datasets/{segment(dataset_id)}")

    # Jobs

    def train(
        self,
        dataset_id: str,
        target: str | None,
        *,
        task: Task = "auto",
        metric: str | None = None,
        budget_minutes: float | None = None,
        algorithms: Sequence[str] | None = None,
        folds: int | None = None,
        max_trials: int | None = None,
        seed: int | None = None,
        name: str | None = None,
        project_id: str | None = None,
        preprocessors: Sequence[str] | None = None,
        reference: str | None = None,
    ) -> JobPublic:
        """Start a training job (the API's POST /api/training/start); returns it as recorded, `pending`. Task
        "clustering" takes `target` None and, optionally, a `reference` grouping to compare the clusters with."""
        options: dict[str, Any] = {
            "target_column": target,
            "reference_column": reference,
            "metric": metric,
            "time_budget": budget_minutes,
            "algorithms": list(algorithms) if algorithms else None,
            "preprocessors": list(preprocessors) if preprocessors else None,
            "n_folds": folds,
            "max_trials": max_trials,
            "seed": seed,
            "name": name,
            "project_id": project_id,
        }
        body = {"dataset_id": dataset_id, "problem_type": task}
        body.update({key: value for key, value in options.items() if value is not None})
        try:  # the server's own request model: a bad value is refused here, in the same words
            request = TrainingRequest.model_validate(body)
        except ValidationError as exc:
            raise BadRequestError(_validation_message(exc)) from None
        sent = request.model_dump(mode="json", exclude_none=True, exclude_unset=True)
        return JobPublic.model_validate(self.http.post("/api/training/start", sent))

    def jobs(self, status: JobStatus | str | None = None) -> list[JobPublic]:
        """The jobs this user can see, newest first; `status` keeps those in one state."""
        params = {"status": str(status)} if status else None
        return [JobPublic.model_validate(item) for item in self.http.get("/api/training/jobs", params)["items"]]

    def job(self, job_id: str) -> JobPublic:
        return JobPublic.model_validate(self.http.get(f"/api/training/jobs/{segment(job_id)}"))

    def cancel(self, job_id: str) -> JobPublic:
        """Cancel a job: it stops within seconds and produces no model."""
        return JobPublic.model_validate(self.http.post(f"/api/training/jobs/{segment(job_id)}/cancel"))

    def events(self, job_id: str, since: int = 0) -> Iterator[Event]:
        """The job's events as they happen (WebSocket), from its start (or after event id `since`), until it ends.
        A dropped connection is resumed where it stopped."""
        return job_events(self.server, self.http.credential, job_id, since)

    def wait(
        self, job_id: str, *, interval: float = 2.0, on_update: Callable[[JobPublic], None] | None = None
    ) -> JobPublic:
        """Poll the job until it ends; returns it completed, or raises JobFailedError (failed or cancelled).
        `on_update` sees each state polled."""
        while True:
            job = self.job(job_id)
            if on_update is not None:
                on_update(job)
            if job.status.is_final:
                break
            time.sleep(interval)
        if job.status is not JobStatus.COMPLETED:
            why = f": {job.error}" if job.error else ""
            raise JobFailedError(f"job {job.id} {job.status.value}{why}; it produced no model", job)
        return job

    def trials(self, job_id: str) -> list[TrialPublic]:
        """The job's leaderboard: its completed trials, best first (`rank` 1)."""
        return [TrialPublic.model_validate(t) for t in self.http.get(self._leaderboard_path(job_id))["items"]]

    def leaderboard(self, job_id: str) -> pd.DataFrame:
        """The job's leaderboard as a DataFrame, in the columns of `AutoML.leaderboard_`."""
        return leaderboard_frame([trial.model_dump() for trial in self.trials(job_id)])

    # Models

    def models(self) -> list[TrainedModelPublic]:
        return [TrainedModelPublic.model_validate(m) for m in self.http.get("/api/results/models")["items"]]

    def model(self, model_id: str) -> TrainedModelPublic:
        return TrainedModelPublic.model_validate(self.http.get(f"/api/results/model/{segment(model_id)}"))

    def download(self, model_id: str, output: Path | str) -> Path:
        """The model package as a zip; unzipped, `flowml predict` and `AutoML.load` use it offline."""
        target = Path(output)
        self.http.download(f"/api/results/model/{segment(model_id)}/download", target)
        return target

    def download_onnx(self, model_id: str, output: Path | str) -> Path:
        """The model as an ONNX graph, for ONNX Runtime in any language."""
        target = Path(output)
        self.http.download(f"/api/results/model/{segment(model_id)}/onnx", target)
        return target

    def predict(self, model_id: str, rows: Table, *, keep_columns: Sequence[str] = ()) -> pd.DataFrame:
        """Predict every row on the server: the `keep_columns`, then `prediction` and, for classifiers, one
        `proba_<class>` column per class (a clustering model: `cluster` and `cluster_name`). What could not be
        encoded faithfully comes back as a UserWarning."""
        upload = ("rows.parquet", write_parquet_bytes(as_polars(rows)))
        response = self.http.send(
            "POST",
            f"/api/results/model/{segment(model_id)}/predict/batch",
            files={"file": upload},
            params={"keep_columns": list(keep_columns)} if keep_columns else None,
        )
        for warning in split_warnings(response.headers):
            warnings.warn(warning, UserWarning, stacklevel=2)
        return pd.read_csv(io.BytesIO(response.content))

    def predict_file(self, model_id: str, rows: Path, output: Path) -> list[str]:
        """Predict every row of a file on the server into a CSV at `output`; returns the server's warnings."""
        path = f"/api/results/model/{segment(model_id)}/predict/batch"
        return split_warnings(self.http.download(path, output, upload=rows))

    def clusters(self, model_id: str) -> ClusterReport:
        """A clustering model's clusters: profiles and names, a 2-D projection, silhouettes, the elbow."""
        return ClusterReport.model_validate(self.http.get(f"/api/results/model/{segment(model_id)}/clusters"))

    def _leaderboard_path(self, job_id: str) -> str:
        return f"/api/results/job/{segment(job_id)}/leaderboard"


def split_warnings(headers: httpx.Headers) -> list[str]:
    return [warning for warning in headers.get(WARNINGS_HEADER, "").split(" | ") if warning]


def _validation_message(exc: ValidationError) -> str:
    problems = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"])
        problems.append(f"{where}: {error['msg']}" if where else str(error["msg"]))
    return "; ".join(problems)

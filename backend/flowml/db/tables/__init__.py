"""SQLModel tables, one module per aggregate. Importing this package registers every table on the metadata."""

from flowml.db.tables.datasets import Dataset, DatasetPublic, DatasetsPublic
from flowml.db.tables.events import JobEvent
from flowml.db.tables.jobs import Job, JobKind, JobPublic, JobsPublic, JobStatus, Trial, TrialPublic, TrialState
from flowml.db.tables.models import TrainedModel, TrainedModelPublic, TrainedModelsPublic
from flowml.db.tables.projects import Project, ProjectMember, ProjectPublic
from flowml.db.tables.refresh_tokens import RefreshToken
from flowml.db.tables.sign_in_codes import SignInCode
from flowml.db.tables.tokens import JoinToken, JoinTokenPublic
from flowml.db.tables.users import ApiKey, ApiKeyCreated, ApiKeyPublic, User, UserPublic
from flowml.db.tables.workers import Worker, WorkerKind, WorkerPresence, WorkerPublic
from flowml.db.tables.workflows import Workflow, WorkflowRun, WorkflowVersion

__all__ = [
    "ApiKey",
    "ApiKeyCreated",
    "ApiKeyPublic",
    "Dataset",
    "DatasetPublic",
    "DatasetsPublic",
    "Job",
    "JobEvent",
    "JobKind",
    "JobPublic",
    "JobStatus",
    "JobsPublic",
    "JoinToken",
    "JoinTokenPublic",
    "Project",
    "ProjectMember",
    "ProjectPublic",
    "RefreshToken",
    "SignInCode",
    "TrainedModel",
    "TrainedModelPublic",
    "TrainedModelsPublic",
    "Trial",
    "TrialPublic",
    "TrialState",
    "User",
    "UserPublic",
    "Worker",
    "WorkerKind",
    "WorkerPresence",
    "WorkerPublic",
    "Workflow",
    "WorkflowRun",
    "WorkflowVersion",
]

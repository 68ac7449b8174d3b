"""The REST API of a FlowML server from Python (`from flowml import Client`), and its typed errors."""

from flowml.client.client import DEFAULT_SERVER, Client, MissingCredentialError
from flowml.client.errors import (
    BadRequestError,
    JobFailedError,
    NotAFlowMLServerError,
    PayloadTooLargeError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
    ServerFailedError,
    ServerUnreachableError,
    StateConflictError,
    UnauthorizedError,
    UnknownIdError,
)

__all__ = [
    "DEFAULT_SERVER",
    "BadRequestError",
    "Client",
    "JobFailedError",
    "MissingCredentialError",
    "NotAFlowMLServerError",
    "PayloadTooLargeError",
    "PermissionDeniedError",
    "RateLimitedError",
    "ServerError",
    "ServerFailedError",
    "ServerUnreachableError",
    "StateConflictError",
    "UnauthorizedError",
    "UnknownIdError",
]

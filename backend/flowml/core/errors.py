"""Error types that carry a message meant for the user.

Every error a user can cause is raised as a FlowMLError subclass; the API maps each to a 4xx status and the CLI
prints its message without a traceback.
"""

from __future__ import annotations


class FlowMLError(Exception):
    """Base class: `message` is shown to the user as-is."""

    status_code: int = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInputError(FlowMLError):
    """The request or file is well-formed but its content is not acceptable."""

    status_code = 422


class DataFormatError(FlowMLError):
    """A file could not be read as a table: broken, empty, mislabelled or unsupported."""

    status_code = 422


class UnsupportedFormatError(DataFormatError):
    """The file's extension is not one FlowML reads."""

    status_code = 415


class UploadTooLargeError(FlowMLError):
    """The upload passed MAX_UPLOAD_SIZE_MB, or would once decompressed (MAX_DECOMPRESSED_SIZE_MB and
    MAX_COMPRESSION_RATIO)."""

    status_code = 413


class AuthenticationError(FlowMLError):
    """Missing, unknown or revoked credentials (a worker's join token)."""

    status_code = 401


class ForbiddenError(FlowMLError):
    """Signed in, but the role does not allow it."""

    status_code = 403


class TooManyRequestsError(FlowMLError):
    """A per-user limit is reached (e.g. jobs waiting to run); the message names the limit and its setting."""

    status_code = 429


class NotFoundError(FlowMLError):
    """An id that names nothing."""

    status_code = 404


class ConflictError(FlowMLError):
    """The action does not fit the resource's current state (e.g. cancel a finished job)."""

    status_code = 409


class ModelIntegrityError(FlowMLError):
    """A model package's bytes do not match the SHA-256 recorded for it."""

    status_code = 500


class StorageError(FlowMLError):
    """The artifact store could not read or write an object."""

    status_code = 503

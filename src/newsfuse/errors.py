"""One exception tree for newsfuse.

Every error carries a stable ``code`` (``NF1xx`` input, ``NF2xx`` store,
``NF3xx`` models, ``NF4xx`` configuration, ``NF5xx`` evaluation, ``NF6xx`` access, ``NF7xx`` batch on
Spark) and a ``hint``
that says how to fix the problem. Foreign exceptions are mapped to these at
the boundary with ``raise ... from``.
"""

from __future__ import annotations


class NewsfuseError(Exception):
    """Base of every error newsfuse raises on purpose.

    ``http_status`` is what the server answers with it (one place: here)."""

    code = "NF000"
    http_status = 500

    def __init__(self, message: str, *, hint: str | None = None, code: str | None = None):
        self.message = message
        self.hint = hint
        if code is not None:
            self.code = code
        super().__init__(str(self))

    def __str__(self) -> str:
        text = f"[{self.code}] {self.message}"
        return f"{text} ({self.hint})" if self.hint else text


class InputError(NewsfuseError):
    """One input item cannot be used. Pipelines skip it and go on."""

    code = "NF100"
    http_status = 400

    def __init__(self, origin: str, reason: str, *, hint: str | None = None, code: str | None = None):
        self.origin = origin
        self.reason = reason
        super().__init__(f"{origin}: {reason}", hint=hint, code=code)


class StoreError(NewsfuseError):
    """The database cannot be opened, migrated or written."""

    code = "NF200"
    http_status = 503


class ModelError(NewsfuseError):
    """A packaged model is missing or cannot be loaded."""

    code = "NF300"
    http_status = 503


class WorkerError(ModelError):
    """A worker process died, or could not start (its initializer failed)."""

    code = "NF305"


class ConfigError(NewsfuseError):
    """A setting or command-line option has an unusable value."""

    code = "NF400"
    http_status = 400


class EvalError(NewsfuseError):
    """An evaluation corpus is missing or malformed."""

    code = "NF500"
    http_status = 500


class NotFoundError(NewsfuseError):
    """A story or article id that the store does not hold."""

    code = "NF210"
    http_status = 404


class AuthError(NewsfuseError):
    """A write without the right token (401), or writes turned off (403, ``code`` NF602)."""

    code = "NF601"
    http_status = 401

    def __init__(self, message: str, *, hint: str | None = None, code: str | None = None):
        super().__init__(message, hint=hint, code=code)
        if self.code == "NF602":  # the request is fine, the server takes no writes: forbidden, not unauthorised
            self.http_status = 403


class BatchError(NewsfuseError):
    """A batch job on Spark cannot run: pyspark missing (NF701), Spark does not
    start (NF702), a job failed (NF703), an unusable output folder (NF704)."""

    code = "NF700"


class TooLargeError(InputError):
    """A request body over the server's limit."""

    code = "NF130"
    http_status = 413

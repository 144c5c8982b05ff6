"""Every error the engine raises derives from EngineError; the web layer maps them to statuses."""


class EngineError(Exception):
    """Base of all engine errors."""


class NotFoundError(EngineError):
    """The instance, task, version or timer does not exist."""


class InvalidInputError(EngineError):
    """The caller sent something the engine refuses (bad data, bad variable, bad script)."""

    def __init__(
        self, message: str, *, field: str | None = None, errors: dict | None = None
    ) -> None:
        super().__init__(message)
        self.field = field
        self.errors = errors or ({field: [message]} if field is not None else {})


class DeploymentError(InvalidInputError):
    """A BPMN, DMN or form file could not be deployed; nothing was stored."""


class ForbiddenError(EngineError):
    """The acting user may not do this."""


class ConflictError(EngineError):
    """The state changed under the caller: claimed task, lost race, task no longer open."""


class DuplicateError(ConflictError):
    """A value that must be unique is already stored (a business key, a version number):
    nothing was written. `columns` names what the unique constraint covers, when known."""

    def __init__(
        self,
        message: str,
        *,
        columns: tuple[str, ...] = (),
        field: str | None = None,
        errors: dict | None = None,
    ) -> None:
        super().__init__(message)
        self.columns = columns
        self.field = field
        self.errors = errors or ({field: [message]} if field is not None else {})


class ConcurrencyError(ConflictError):
    """Another step changed the instance first: nothing was written, the same call may be
    tried again."""


class ProcessError(EngineError):
    """A step failed inside the process (script or service task error)."""

    def __init__(self, message: str, *, element_id: str | None = None) -> None:
        super().__init__(message)
        self.element_id = element_id

"""Errors raised by the index library, each with a message a user can act on."""


class IndexProblem(Exception):
    """Base class: the index cannot be used as asked."""


class IndexNotFound(IndexProblem):
    pass


class IndexCorrupted(IndexProblem):
    pass


class EmbedderMismatch(IndexProblem):
    pass


class IndexBusy(IndexProblem):
    pass


class IndexWriteFailed(IndexProblem):
    """The index folder cannot be written (disk full, read-only, no permission, no locks).

    Raised by writers only; the published generation is untouched when it is raised."""

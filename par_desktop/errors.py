"""Errors a clerk can meet, as opposed to bugs.

A ``UserError`` carries a Vietnamese message that the GUI shows in a dialog and the command line prints
after ``error:``. Anything else that escapes is a bug: the crash handler logs it with its traceback.
"""

from __future__ import annotations

from typing import Any


class UserError(Exception):
    """A problem caused by the input or the environment, explained in Vietnamese."""

    def __init__(self, message: str, *, detail: str | None = None):
        super().__init__(message)
        self.message = message
        self.detail = detail

    def __str__(self) -> str:
        return self.message


class InvalidInput(UserError):
    """Text, a date or a file that cannot be read as what it should be."""


class DatabaseUnavailable(UserError):
    """The database file or server cannot be opened or used (missing, locked, corrupted, read-only)."""


class SchemaTooNew(DatabaseUnavailable):
    """The file was written by a newer PAR Desktop."""


class ConflictError(UserError):
    """Someone else changed the record since it was read (optimistic concurrency). ``current``: the
    record's stored values by field; ``table`` and ``record_id`` name it in the audit log."""

    def __init__(self, message: str, *, current: dict[str, Any] | None = None, table: str = "",
                 record_id: str = "", detail: str | None = None):
        super().__init__(message, detail=detail)
        self.current = current or {}
        self.table = table
        self.record_id = record_id


class PermissionDenied(UserError):
    """The signed-in user's role does not allow this change."""


class NotFound(UserError):
    """A unit, dossier, task or document named by the user does not exist."""

"""Workflow errors, each with the HTTP status the API answers and the CLI exit code."""

from __future__ import annotations

from meili.errors import Conflict, MeiliError, NotFoundError, UserError


class Unauthenticated(MeiliError):
    """No valid credentials (401)."""

    http_status = 401


class Forbidden(MeiliError):
    """The actor may not do this (403); the message says which rule decided."""

    http_status = 403


class PreconditionFailed(MeiliError):
    """``If-Match`` names a version that is no longer current (412)."""

    http_status = 412
    exit_code = 1


class PreconditionRequired(MeiliError):
    """A write without ``If-Match`` or a ``version`` (428)."""

    http_status = 428


class Throttled(MeiliError):
    """Too many failed sign-ins (429)."""

    http_status = 429


class Invalid(UserError):
    """The request is understood but its content is wrong (400)."""

    http_status = 400


__all__ = [
    "Conflict",
    "Forbidden",
    "Invalid",
    "NotFoundError",
    "PreconditionFailed",
    "PreconditionRequired",
    "Throttled",
    "Unauthenticated",
]

"""The database's own errors that mean "this value cannot be stored", for the API to answer.

A value the database refuses (a NUL character in text, a number out of range) is the request's
fault, not the server's. The interfaces should not know which driver or toolkit raised it, so
the store names those exception types here.
"""

from __future__ import annotations

from psycopg import DataError as PgDataError
from sqlalchemy.exc import DataError as SqlDataError

UNSTORABLE_VALUE_ERRORS: tuple[type[Exception], ...] = (PgDataError, SqlDataError)
"""Raised when the database refuses a value; the transaction was rolled back."""

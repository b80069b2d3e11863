"""Errors of live routing: the generic ``NotFoundError`` and ``ConflictError`` live in
``deskmix.errors`` (tokens and jobs raise them too) and are re-exported here, so code that
imported them from ``deskmix.live.errors`` keeps working.
"""

from __future__ import annotations

from deskmix.errors import ConflictError, NotFoundError

__all__ = ["ConflictError", "NotFoundError"]

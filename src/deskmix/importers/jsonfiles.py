"""Reading a JSON export (or a file of JSON lines) safely: its nesting is bounded before
parsing, and a broken document is refused with the line where it breaks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from deskmix.errors import InputError
from deskmix.importers.textfiles import check_text, read_text

# JSON deeper than this is no export: real Jira/Zendesk/ServiceNow documents (ADF included)
# stay within a few dozen levels, and every reader of the tree recurses once per level.
MAX_JSON_DEPTH = 200


def json_depth(data: bytes) -> int:
    """How deeply a JSON document's arrays and objects nest, without parsing it.

    Escaped backslashes and quotes are dropped first, so the quotes left pair up as string
    delimiters and a bracket counts only outside them (an even number of quotes before it);
    the rest is a running sum over the brackets, vectorised for a large export.
    """
    plain = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    raw = np.frombuffer(plain, dtype=np.uint8)
    quotes = np.flatnonzero(raw == 0x22)

    def outside(positions: np.ndarray) -> np.ndarray:
        kept: np.ndarray = positions[np.searchsorted(quotes, positions) % 2 == 0]
        return kept

    opens = outside(np.flatnonzero((raw == 0x5B) | (raw == 0x7B)))
    closes = outside(np.flatnonzero((raw == 0x5D) | (raw == 0x7D)))
    if not len(opens):
        return 0
    positions = np.concatenate([opens, closes])
    steps = np.concatenate([np.ones(len(opens), np.int64), np.full(len(closes), -1, np.int64)])
    return int(np.cumsum(steps[np.argsort(positions, kind="stable")]).max())


def _too_deep(path: Path, depth: int | None = None) -> InputError:
    shown = f"{depth} levels" if depth is not None else "too"
    return InputError(
        f"JSON nested {shown} deep",
        file=path,
        expected=f"an export nested at most {MAX_JSON_DEPTH} levels deep",
    )


def read_json(path: Path, *, encoding: str = "utf-8") -> Any:
    """A JSON document; a file of JSON lines is read as a list of records.

    Nesting is limited (``MAX_JSON_DEPTH``) before parsing: the parser and every reader of
    the tree recurse per level, and ten thousand brackets would exhaust Python's stack.
    """
    path = Path(path)
    data, encoding = read_text(path, encoding)
    text = check_text(data, path, encoding)
    depth = json_depth(data if encoding.lower().replace("_", "-") == "utf-8" else text.encode())
    if depth > MAX_JSON_DEPTH:
        raise _too_deep(path, depth)
    try:
        return json.loads(text)
    except RecursionError as exc:  # the check above should make this unreachable
        raise _too_deep(path) from exc
    except json.JSONDecodeError as exc:
        lines = [ln for ln in text.splitlines() if ln.strip()]
        if len(lines) > 1:
            try:
                return [json.loads(ln) for ln in lines]
            except (json.JSONDecodeError, RecursionError):
                pass
        raise InputError(
            f"not valid JSON: {exc.msg}", file=path, row=exc.lineno, expected="a JSON export"
        ) from exc

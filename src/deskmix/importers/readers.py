"""Reading a user's file safely: empty, binary, wrongly encoded or truncated files are refused
with the place and the reason, before any parsing starts.
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from deskmix.errors import InputError

ROW = "__row__"
_SNIFF_BYTES = 64 * 1024


def file_hash(path: Path) -> str:
    """SHA-256 of the file as stored; a re-import of the same bytes is recognised by it."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _open_bytes(path: Path) -> bytes:
    if not path.exists():
        raise InputError("file not found", file=path, expected="an existing file")
    if path.is_dir():
        raise InputError("is a directory", file=path, expected="a file")
    data = path.read_bytes()
    if path.suffix == ".gz":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise InputError(f"not a readable gzip file ({exc})", file=path) from exc
    return data


def require_codec(encoding: str, path: Path | None = None) -> None:
    """Refuse an encoding Python cannot decode with, naming it, before any bytes are read."""
    try:
        codecs.lookup(encoding)
    except (LookupError, ValueError) as exc:  # ValueError: a name with a NUL byte in it
        raise InputError(
            "unknown text encoding",
            file=path,
            field="encoding",
            value=encoding,
            expected="a Python codec name such as utf-8, latin-1 or cp1252",
        ) from exc


def _check_text(data: bytes, path: Path, encoding: str, *, decode: bool = True) -> str:
    """The text, after refusing empty, binary or wrongly encoded bytes.

    With ``decode=False`` the bytes are only validated (and ``""`` returned): pure ASCII is
    valid UTF-8, and checking for it is ten times faster than decoding a large export.
    """
    if not data or data.isspace():  # no copy of a large file, unlike data.strip()
        raise InputError("file is empty", file=path, expected="a header row and data rows")
    if b"\x00" in data[:_SNIFF_BYTES]:
        raise InputError(
            "binary file, not text", file=path, expected="a CSV or JSON export (UTF-8 text)"
        )
    require_codec(encoding, path)
    utf8 = encoding.lower().replace("_", "-") == "utf-8"
    if not decode and utf8 and data.isascii():
        return ""
    try:
        return data.decode("utf-8-sig" if utf8 else encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"byte 0x{data[exc.start]:02x} at position {exc.start} is not valid {encoding}",
            file=path,
            row=line,
            expected=f"{encoding} text (pass --encoding latin-1 or cp1252 if the export used one)",
        ) from exc


def read_table(
    path: Path,
    *,
    encoding: str = "utf-8",
    sheet: str | int = 0,
    usecols: Callable[[str], bool] | None = None,
) -> pd.DataFrame:
    """CSV (optionally gzipped) or XLSX as strings, plus a ``__row__`` column for error messages.

    Row numbers count the header as row 1, as a spreadsheet does. ``usecols`` (given the
    stripped header name) lets a reader of a wide export skip the columns it never uses, which
    is most of the parsing time on a large event log.
    """
    path = Path(path)
    seen: list[str] = []

    def keep(name: object) -> bool:
        seen.append(str(name).strip())
        return usecols is None or usecols(seen[-1])

    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        frame = _read_xlsx(path, sheet)
        if usecols is not None:
            frame = frame[[c for c in frame.columns if keep(c)]]
    else:
        data = _open_bytes(path)
        _check_text(data, path, encoding, decode=False)  # refuse bad input before parsing
        codec = "utf-8-sig" if encoding.lower().replace("_", "-") == "utf-8" else encoding
        try:
            # Bytes, not the decoded text: the C parser decodes faster than a StringIO re-encode.
            frame = pd.read_csv(
                io.BytesIO(data),
                encoding=codec,
                dtype=str,
                keep_default_na=False,
                na_values=[],
                skipinitialspace=False,
                usecols=None if usecols is None else keep,
            )
        except pd.errors.ParserError as exc:
            raise InputError(f"not a well-formed CSV: {exc}", file=path) from exc
        except pd.errors.EmptyDataError as exc:
            raise InputError("file has no header row", file=path) from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    if usecols is not None and not len(frame.columns):
        present = ", ".join(dict.fromkeys(seen))
        raise InputError(
            "none of the columns this source reads is in the file",
            file=path,
            row=1,
            expected=f"the source's columns; the file has: {present[:200]}",
        )
    if frame.empty:
        raise InputError("file has a header but no data rows", file=path, expected="data rows")
    frame[ROW] = pd.RangeIndex(2, len(frame) + 2)
    return frame


def _read_xlsx(path: Path, sheet: str | int) -> pd.DataFrame:
    data = _open_bytes(path)
    if not data:
        raise InputError("file is empty", file=path, expected="an XLSX workbook")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise InputError("not an XLSX workbook", file=path, expected="an .xlsx file saved by Excel")
    try:
        frame = pd.read_excel(io.BytesIO(data), sheet_name=sheet, dtype=str, engine="openpyxl")
    except (ValueError, KeyError, zipfile.BadZipFile) as exc:
        raise InputError(f"cannot read workbook: {exc}", file=path) from exc
    return frame.fillna("")


def read_json(path: Path, *, encoding: str = "utf-8") -> Any:
    """A JSON document; a file of JSON lines is read as a list of records."""
    path = Path(path)
    text = _check_text(_open_bytes(path), path, encoding)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        lines = [ln for ln in text.splitlines() if ln.strip()]
        if len(lines) > 1:
            try:
                return [json.loads(ln) for ln in lines]
            except json.JSONDecodeError:
                pass
        raise InputError(
            f"not valid JSON: {exc.msg}", file=path, row=exc.lineno, expected="a JSON export"
        ) from exc


def require_columns(frame: pd.DataFrame, needed: dict[str, str], path: Path) -> None:
    """Every mapped column must exist; say which one is missing and what the file does have."""
    for field, column in needed.items():
        if column not in frame.columns:
            present = ", ".join(c for c in frame.columns if c != ROW)
            if len(present) > 200:
                present = present[:197] + "..."
            raise InputError(
                f"missing column '{column}' (for {field})",
                file=path,
                row=1,
                field=column,
                expected=f"a column named '{column}'; the file has: {present}",
            )

"""Reading a user's table safely (delimited text or an XLSX workbook): the delimiter from the
header, rows as long as the header, clean column names, refused with the place and the reason
before any parsing starts. The file's bytes and encoding are judged in ``textfiles``, JSON is
read in ``jsonfiles``.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from deskmix.errors import InputError
from deskmix.importers.textfiles import BOMS, SNIFF_BYTES, head_of, open_bytes, read_text

ROW = "__row__"
# Delimiters a spreadsheet writes: comma, semicolon (locales with a decimal comma), tab
# (Excel's "Unicode text"), pipe. The header line says which one a file uses.
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
# Characters that cannot be seen in a header and never belong in a column name: zero-width
# space/joiners, word joiner, BOM. A no-break space reads as a space.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")


def parse_delimiter(value: str) -> str:
    """A ``--delimiter`` as given on a command line: one character, or a name for it."""
    named = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}
    delimiter = named.get(value.strip().lower(), value)
    if (
        len(delimiter) != 1
        or not delimiter.isascii()
        or delimiter in '"\r\n'
        or delimiter.isalnum()
    ):
        raise InputError(
            "not a usable delimiter",
            field="delimiter",
            value=value,
            expected="one ASCII character such as , ; | or the word tab",
        )
    return delimiter


def _header_line(data: bytes) -> bytes:
    """The first record, up to its first line break outside quotes (headers are short)."""
    head = data[:SNIFF_BYTES]
    inside = False
    for position, byte in enumerate(head):
        if byte == 0x22:
            inside = not inside
        elif byte in (0x0A, 0x0D) and not inside:
            return head[:position]
    return head


def detect_delimiter(data: bytes) -> str:
    """The delimiter the header line uses most often outside quotes; a comma on a tie.

    A header is a row of names: whichever of comma, semicolon, tab or pipe separates them is
    the file's delimiter (Excel in a decimal-comma locale writes semicolons).
    """
    header = re.sub(rb'"[^"]*"', b"", _header_line(data))
    counts = {d: header.count(d.encode()) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


@dataclass(frozen=True)
class TextTable:
    """How a delimited file was read: its encoding and delimiter, and whether detected."""

    encoding: str
    delimiter: str
    detected: bool

    def note(self) -> str | None:
        """One line for the import report when the file was not plain comma-separated UTF-8."""
        parts: list[str] = []
        if self.encoding.startswith(("utf-16", "utf-32")):
            parts.append(f"{self.encoding.upper()} text")
        if self.delimiter != ",":
            name = DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter))
            how = "detected from the header" if self.detected else "as given"
            parts.append(f"{name}-delimited ({how})")
        return "read as " + ", ".join(parts) if parts else None


def text_table(path: Path, encoding: str = "utf-8", delimiter: str | None = None) -> TextTable:
    """How ``read_table`` reads ``path``: the encoding its BOM says and the header's delimiter."""
    head = head_of(path)
    wide = next((name for bom, name in BOMS if head.startswith(bom)), None)
    if wide is not None:
        head = head.decode(wide, errors="ignore").encode("utf-8")
    chosen = delimiter if delimiter is not None else detect_delimiter(head)
    return TextTable(wide or encoding, chosen, detected=delimiter is None)


def reading_note(path: Path, encoding: str, delimiter: str | None) -> str | None:
    """How a delimited file was read, for the import report; ``None`` for JSON and XLSX, and
    for plain comma-separated files."""
    name = path.name.lower()
    if name.endswith((".xlsx", ".xlsm", ".json", ".jsonl", ".ndjson", ".json.gz")):
        return None
    table = text_table(path, encoding, delimiter)
    head = head_of(path)
    if table.encoding != encoding:
        wide = next((n for bom, n in BOMS if head.startswith(bom)), "utf-8")
        head = head.decode(wide, errors="ignore").encode("utf-8")
    if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        return None  # a JSON export, whatever its name
    return table.note()


def _record_fields(data: bytes, delimiter: str) -> np.ndarray:
    """Fields per record, blank lines left out, for RFC 4180 quoting (quotes in pairs).

    Vectorised: a delimiter or line break counts only outside quotes, which is where an even
    number of quote characters precede it. A stray quote inside an unquoted cell upsets the
    pairing; the caller checks any disagreement with Python's csv module before refusing.
    """
    raw = np.frombuffer(data, dtype=np.uint8)
    quotes = np.flatnonzero(raw == 0x22)
    end = 0x0A if b"\n" in data else 0x0D

    def outside(positions: np.ndarray) -> np.ndarray:
        if not len(quotes):
            return positions
        kept: np.ndarray = positions[np.searchsorted(quotes, positions) % 2 == 0]
        return kept

    breaks = outside(np.flatnonzero(raw == end))
    if not len(breaks) or breaks[-1] != len(raw) - 1:
        breaks = np.append(breaks, len(raw))
    starts = np.append(0, breaks[:-1] + 1)
    delims = outside(np.flatnonzero(raw == ord(delimiter)))
    per_record = np.diff(np.append(0, np.searchsorted(delims, breaks))) + 1
    length = breaks - starts
    cr = np.zeros(len(breaks), dtype=bool)
    ends_before = breaks[length > 0] - 1
    cr[length > 0] = raw[ends_before] == 0x0D
    blank = (length - cr) <= 0
    fields: np.ndarray = per_record[~blank]
    return fields


def _exact_fields(
    data: bytes, path: Path, encoding: str, delimiter: str, *, strict: bool = False
) -> list[list[str]]:
    """Records as Python's csv module (and pandas) read them, blank lines left out; only the
    header keeps its cells (the others are emptied to save memory, their count kept).
    ``strict`` refuses a quoted cell that goes on after its closing quote."""
    text = data.decode("utf-8-sig" if encoding.lower().replace("_", "-") == "utf-8" else encoding)
    records: list[list[str]] = []
    csv.field_size_limit(max(csv.field_size_limit(), len(data)))  # a cell may be the file
    try:
        rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=strict)
        for record in rows:
            if record:
                records.append(record if not records else [""] * len(record))
    except csv.Error as exc:
        raise InputError(
            f"not a well-formed CSV: {exc}",
            file=path,
            row=len(records) + 1,
            expected='a quote inside a quoted cell written twice ("")',
        ) from exc
    return records


def _quotes_well_placed(data: bytes, delimiter: str) -> bool:
    """RFC 4180 quoting, checked on the quote characters alone (vectorised): a quote that
    closes a quoted cell is followed by the delimiter, a line break, the end of the file or a
    second quote (an escaped one); a quote that opens a cell follows the delimiter, a line
    break, the start of the file or a closing quote. False means "look closer", not "refuse":
    a quote inside an unquoted cell (a 24" screen) upsets the pairing and is read as it is."""
    raw = np.frombuffer(data, dtype=np.uint8)
    quotes = np.flatnonzero(raw == 0x22)
    if not len(quotes):
        return True
    bounds = np.array([ord(delimiter), 0x0A, 0x0D, 0x22], dtype=np.uint8)
    after = quotes[1::2] + 1
    follows = np.full(len(after), 0x0A, dtype=np.uint8)
    follows[after < len(raw)] = raw[after[after < len(raw)]]
    before = quotes[0::2] - 1
    precedes = np.full(len(before), 0x0A, dtype=np.uint8)
    precedes[before >= 0] = raw[before[before >= 0]]
    return bool(np.isin(follows, bounds).all() and np.isin(precedes[1:], bounds).all())


def check_quoting(data: bytes, path: Path, encoding: str, delimiter: str) -> None:
    """A quoted cell that goes on after its closing quote ("Res"et in AD.) is refused, naming
    the row: pandas and Python's csv module would join the pieces into text the file never
    held (Reset in AD."). A BOM before the first quote is allowed (the first opener's left
    side is not checked)."""
    if _quotes_well_placed(data, delimiter):
        return
    _exact_fields(data, path, encoding, delimiter, strict=True)


def check_row_lengths(data: bytes, path: Path, encoding: str, delimiter: str) -> None:
    """Every row must have as many cells as the header: a row cut short (a truncated file,
    a hand-edited line) is refused like a row with a cell too many, naming the row.

    pandas pads a short row with empty cells and reads a file whose rows all have one cell
    more than the header with the first column as an index; either would import silently.
    """
    fields = _record_fields(data, delimiter)
    if len(fields) and (fields == fields[0]).all():
        return
    records = _exact_fields(data, path, encoding, delimiter)
    exact = np.array([len(r) for r in records])
    wrong = np.flatnonzero(exact != exact[0]) if len(exact) else exact
    if not len(wrong):
        return
    first = int(wrong[0])
    got, want = int(exact[first]), int(exact[0])
    more = len(wrong) - 1
    cut = got < want and first == len(exact) - 1
    raise InputError(
        f"row has {got} cells, the header has {want}"
        + (" (the file may be cut short)" if cut else "")
        + (f" ({more} more rows like it)" if more else ""),
        file=path,
        row=first + 1,
        field=records[0][got].strip() if got < want else None,
        expected=f"{want} cells on every row, separated by {delimiter!r}",
    )


def clean_header(names: list[object], path: Path) -> list[str]:
    """Header names without invisible characters; a name holding a quote or a line break
    means the header itself is broken, and the columns after it cannot be trusted."""
    cleaned: list[str] = []
    for position, name in enumerate(names, start=1):
        text = _INVISIBLE.sub("", str(name)).replace("\u00a0", " ").strip()
        if any(c in text for c in '"\r\n'):
            raise InputError(
                f"header cell {position} holds a stray quote or line break",
                file=path,
                row=1,
                value=text,
                expected="column names without quotes inside them (re-export the file)",
            )
        if text in cleaned:
            raise InputError(
                f"header cells {cleaned.index(text) + 1} and {position} both read {text!r} once "
                "spaces and invisible characters are removed",
                file=path,
                row=1,
                expected="distinct column names",
            )
        cleaned.append(text)
    return cleaned


def read_table(
    path: Path,
    *,
    encoding: str = "utf-8",
    sheet: str | int = 0,
    usecols: Callable[[str], bool] | None = None,
    delimiter: str | None = None,
) -> pd.DataFrame:
    """CSV (optionally gzipped, any common delimiter, UTF-16 with a BOM) or XLSX as strings,
    plus a ``__row__`` column for error messages.

    Row numbers count the header as row 1, as a spreadsheet does. ``usecols`` (given the
    cleaned header name) lets a reader of a wide export skip the columns it never uses, which
    is most of the parsing time on a large event log. ``delimiter`` ``None`` detects it from
    the header line.
    """
    path = Path(path)
    seen: list[str] = []

    def keep(name: object) -> bool:
        seen.append(_INVISIBLE.sub("", str(name)).replace("\u00a0", " ").strip())
        return usecols is None or usecols(seen[-1])

    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        frame = _read_xlsx(path, sheet)
        if usecols is not None:
            frame = frame[[c for c in frame.columns if keep(c)]]
    else:
        data, encoding = read_text(path, encoding)
        sep = delimiter if delimiter is not None else detect_delimiter(data)
        check_row_lengths(data, path, encoding, sep)
        check_quoting(data, path, encoding, sep)
        codec = "utf-8-sig" if encoding.lower().replace("_", "-") == "utf-8" else encoding
        try:
            # Bytes, not the decoded text: the C parser decodes faster than a StringIO re-encode.
            frame = pd.read_csv(
                io.BytesIO(data),
                sep=sep,
                encoding=codec,
                dtype=str,
                keep_default_na=False,
                na_values=[],
                skipinitialspace=False,
                index_col=False,
                usecols=None if usecols is None else keep,
            )
        except pd.errors.ParserError as exc:
            reason = " ".join(str(exc).split())  # pandas ends its message with a line break
            raise InputError(f"not a well-formed CSV: {reason}", file=path) from exc
        except pd.errors.EmptyDataError as exc:
            raise InputError("file has no header row", file=path) from exc
    frame.columns = clean_header(list(frame.columns), path)
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
    data = open_bytes(path)
    if not data:
        raise InputError("file is empty", file=path, expected="an XLSX workbook")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise InputError("not an XLSX workbook", file=path, expected="an .xlsx file saved by Excel")
    try:
        frame = pd.read_excel(io.BytesIO(data), sheet_name=sheet, dtype=str, engine="openpyxl")
    except (ValueError, KeyError, zipfile.BadZipFile) as exc:
        raise InputError(f"cannot read workbook: {exc}", file=path) from exc
    return frame.fillna("")


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

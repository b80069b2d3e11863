"""A user's file as text: its bytes, its hash, its encoding (BOMs and UTF-16/32 included),
refused with the place and the reason when it is empty, binary or mis-encoded.

Every reader (delimited tables in ``readers``, JSON in ``jsonfiles``) starts here, so a file
is judged the same way whatever its format.
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
from pathlib import Path

from deskmix.errors import InputError

SNIFF_BYTES = 64 * 1024
"""How much of a file is looked at to judge it (binary, BOM, header line)."""
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE, whose BOM is its prefix
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def file_hash(path: Path) -> str:
    """SHA-256 of the file as stored; a re-import of the same bytes is recognised by it."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def open_bytes(path: Path) -> bytes:
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


def head_of(path: Path) -> bytes:
    """The first bytes of a file (decompressed when gzipped): enough to sniff its format."""
    opener = gzip.open if path.suffix == ".gz" else Path.open
    try:
        with opener(path, "rb") as handle:
            head: bytes = handle.read(SNIFF_BYTES)
    except (OSError, EOFError) as exc:
        raise InputError(f"cannot read the file ({exc})", file=path) from exc
    return head


_PYTHON_SPECIFIC = frozenset(
    {"idna", "punycode", "unicode-escape", "raw-unicode-escape", "undefined", "utf-7"}
)
"""Codecs for Python's own needs (domain names, string literals) or none in exports: their
decoders fail with errors other than UnicodeDecodeError, past the readers' checks."""


def require_codec(encoding: str, path: Path | None = None) -> None:
    """Refuse an encoding Python cannot decode with, naming it, before any bytes are read."""
    try:
        info = codecs.lookup(encoding)
    except (LookupError, ValueError) as exc:  # ValueError: a name with a NUL byte in it
        raise InputError(
            "unknown text encoding",
            file=path,
            field="encoding",
            value=encoding,
            expected="a Python codec name such as utf-8, latin-1 or cp1252",
        ) from exc
    # rot13, hex, base64, zlib...: codecs Python knows that turn bytes into bytes or text into
    # text; decoding a file with one fails deep in the reader, not with a line a user can act on.
    if not getattr(info, "_is_text_encoding", True) or info.name in _PYTHON_SPECIFIC:
        raise InputError(
            "not a text encoding",
            file=path,
            field="encoding",
            value=encoding,
            expected="a text encoding such as utf-8, utf-16, latin-1 or cp1252",
        )


def _is_wide(encoding: str) -> bool:
    """UTF-16 and UTF-32 text is full of NUL bytes; only those encodings may carry them."""
    return codecs.lookup(encoding).name.startswith(("utf-16", "utf-32"))


def _to_utf8(data: bytes, path: Path, encoding: str) -> tuple[bytes, str]:
    """UTF-16/32 text (by its BOM, or as the user said) re-encoded as UTF-8, and the encoding
    the rest of the reading uses.

    Excel saves "Unicode text" as UTF-16 with a BOM; every later step (the binary check, the
    CSV parser, the delimiter count) works on ASCII-compatible bytes, so such a file is
    turned into UTF-8 once, here.
    """
    wide = next((name for bom, name in BOMS if data.startswith(bom)), None)
    if wide is None and not _is_wide(encoding):
        return data, encoding
    codec = wide or encoding
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"bytes at position {exc.start} are not valid {codec}",
            file=path,
            expected=f"{codec} text throughout (the file starts as {codec})",
        ) from exc
    return text.removeprefix("\ufeff").encode("utf-8"), "utf-8"


def check_text(data: bytes, path: Path, encoding: str, *, decode: bool = True) -> str:
    """The text, after refusing empty, binary or wrongly encoded bytes.

    With ``decode=False`` the bytes are only validated (and ``""`` returned): pure ASCII is
    valid UTF-8, and checking for it is ten times faster than decoding a large export.
    ``data`` is ASCII-compatible here (``_to_utf8`` has turned UTF-16/32 into UTF-8).
    """
    if not data or data.isspace():  # no copy of a large file, unlike data.strip()
        raise InputError("file is empty", file=path, expected="a header row and data rows")
    if b"\x00" in data[:SNIFF_BYTES]:
        raise InputError(
            "binary file, not text", file=path, expected="a CSV or JSON export (UTF-8 text)"
        )
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


def read_text(path: Path, encoding: str = "utf-8") -> tuple[bytes, str]:
    """A text file's bytes (UTF-16/32 already re-encoded as UTF-8) and their encoding,
    after refusing a missing, empty, binary or wrongly encoded file."""
    require_codec(encoding, path)
    data, encoding = _to_utf8(open_bytes(path), path, encoding)
    check_text(data, path, encoding, decode=False)
    return data, encoding

"""Uploading a ticket export: the CLI's import, over HTTP, as one transaction.

The upload is written to a private temporary folder under its own file name (the import
record keeps the name) and imported by the use case the CLI calls
(``importers.use_case.import_file``): any bad value stops it before anything is stored.
"""

from __future__ import annotations

import shutil
import tempfile
from contextlib import nullcontext
from pathlib import Path, PurePath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from pydantic import BaseModel, Field

from deskmix.api.auth import require
from deskmix.api.errors import responses
from deskmix.importers import IMPORTERS
from deskmix.importers.textfiles import require_codec
from deskmix.importers.use_case import (
    UPLOAD_MAPPING,
    ImportRequest,
    check_source,
)
from deskmix.importers.use_case import import_file as run_import
from deskmix.store import Store

router = APIRouter(tags=["import"])


class ImportOut(BaseModel):
    """What an import stored, or that the same file was already imported."""

    import_id: int
    already_imported: bool = Field(description="True: same file and mapping, nothing added")
    file_name: str
    rows_read: int
    tickets_added: int
    events_added: int
    tickets_skipped: int = Field(description="Tickets already stored under the same ids, kept")
    notes: list[str]
    unmapped: dict[str, dict[str, int]] = Field(
        description="Labels no mapping rule covers, per field, with their ticket counts"
    )


def _safe_name(name: str | None, fallback: str) -> str:
    """The client's file name without any folders (never a path to write outside the temp
    folder); the extension matters because readers choose by it."""
    cleaned = "".join(c for c in (name or "") if c.isprintable()).replace("\\", "/")
    base = PurePath(cleaned).name.strip()
    if len(base.encode()) > 200:  # file systems stop at 255 bytes; keep the extension
        suffix = PurePath(base).suffix[-20:]
        base = base[:100] + suffix
    return base if base and base not in (".", "..") else fallback


def _save(upload: UploadFile, folder: Path, fallback: str) -> Path:
    target = folder / _safe_name(upload.filename, fallback)
    with target.open("wb") as out:
        shutil.copyfileobj(upload.file, out, length=1024 * 1024)
    return target


@router.post(
    "/imports",
    response_model=ImportOut,
    summary="Import a ticket export (one transaction: all of the file, or nothing)",
    responses=responses(401, 403, 422) | {413: {"description": "Upload larger than the limit"}},
)
def import_file(
    request: Request,
    file: Annotated[UploadFile, File(description="The export (CSV, XLSX, JSON, .gz)")],
    source: Annotated[
        str,
        Form(
            description="The importer: " + ", ".join(IMPORTERS),
            json_schema_extra={"enum": list(IMPORTERS)},
        ),
    ],
    mapping: Annotated[
        UploadFile | None, File(description="Mapping YAML laid over the source's defaults")
    ] = None,
    encoding: Annotated[str, Form(max_length=40, description="Text encoding")] = "utf-8",
    replace: Annotated[
        bool, Form(description="Replace tickets stored under the same ids with this file's")
    ] = False,
    _token: Any = Depends(require("import")),
) -> ImportOut:
    """Scope: import. The same rules as 'deskmix import SOURCE FILE'; bad values answer 422
    naming the file, row and field, and nothing is written."""
    spec = check_source(source, mapping_given=mapping is not None, mapping_option=UPLOAD_MAPPING)
    require_codec(encoding)  # before the upload is saved, whatever the file's kind
    store: Store = request.app.state.store
    with tempfile.TemporaryDirectory(prefix="deskmix-upload-") as tmp:
        folder = Path(tmp)
        (folder / "mapping").mkdir()
        path = _save(file, folder, "upload")
        mapping_path = _save(mapping, folder / "mapping", "mapping.yaml") if mapping else None
        wanted = ImportRequest(
            source=spec.name,
            file=path,
            mapping=mapping_path,
            encoding=encoding,
            replace=replace,
            mapping_option=UPLOAD_MAPPING,
        )
        result = run_import(wanted, lambda: nullcontext(store))
    outcome, batch = result.outcome, result.batch
    return ImportOut(
        import_id=outcome.import_id,
        already_imported=outcome.already_imported,
        file_name=path.name,
        rows_read=batch.rows_read,
        tickets_added=outcome.tickets_added,
        events_added=outcome.events_added,
        tickets_skipped=outcome.tickets_skipped,
        notes=list(batch.notes),
        unmapped=result.unmapped(),
    )

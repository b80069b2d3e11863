"""The compare page: upload two or more saved results (``deskmix simulate --json`` or
``deskmix plan --json``) and see them side by side with the differences and their intervals,
the same table as ``deskmix compare`` (``deskmix.compare``, ``reports.comparison``)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from deskmix.compare import ComparisonOutput, compare_runs, read_saved
from deskmix.errors import ConfigError, DeskmixError, InputError
from deskmix.plan.output import PlanOutput
from deskmix.reports.comparison import comparison_report, display_rows
from deskmix.sim.output import SimulationOutput
from deskmix.web import forms
from deskmix.web.rendering import fragment, is_htmx, page, user_error

router = APIRouter()

MAX_FILES = 8
MAX_FILE = 5_000_000  # bytes per file; a saved plan with a long search is well under 1 MB


def _context(result: ComparisonOutput | None = None) -> dict[str, object]:
    if result is None:
        return {"result": None, "error": None}
    headers, rows = display_rows(result)
    return {
        "error": None,
        "result": {
            "headers": headers,
            "rows": rows,
            "notes": result.notes,
            "method": result.method,
            "baseline": result.baseline,
            "runs": result.runs,
            "saved": result.model_dump_json(),
        },
    }


async def _uploads(form: forms.Form) -> list[tuple[str, SimulationOutput | PlanOutput]]:
    getlist = getattr(form, "getlist", None)
    files = [
        f
        for f in (getlist("runs") if getlist is not None else [form.get("runs")])
        if isinstance(f, UploadFile) and f.filename
    ]
    if len(files) > MAX_FILES:
        raise InputError("too many files", field="runs", expected=f"at most {MAX_FILES}")
    saved = []
    for upload in files:
        raw = await upload.read(MAX_FILE + 1)
        if len(raw) > MAX_FILE:
            raise InputError(
                "file too large", field="runs", value=upload.filename,
                expected=f"at most {MAX_FILE:,} bytes",
            )  # fmt: skip
        name = Path(upload.filename or "run.json").name
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ConfigError(f"{name}: not UTF-8 text (expected a JSON file)") from None
        saved.append((name, read_saved(Path(name), text)))
    if len(saved) < 2:
        raise InputError(
            "two or more files needed",
            field="runs",
            expected="the JSON files of two or more 'deskmix simulate/plan --json' runs",
        )
    return saved


@router.get("/compare", response_class=HTMLResponse)
def compare_page(request: Request) -> HTMLResponse:
    return page(request, "compare.html", "compare", _context())


@router.post("/compare", response_class=HTMLResponse)
async def compare_submit(request: Request) -> HTMLResponse:
    form = await request.form()
    try:
        result = compare_runs(await _uploads(form))
    except DeskmixError as exc:
        return user_error(request, str(exc), "compare.html", "compare", _context())
    context = _context(result)
    if is_htmx(request):
        return fragment(request, "_compare_result.html", context)
    return page(request, "compare.html", "compare", context)


@router.post("/compare/report", response_class=HTMLResponse)
async def compare_report(request: Request) -> Response:
    """The comparison shown (carried in the page as its JSON) as a self-contained report."""
    form = await request.form()
    try:
        result = ComparisonOutput.model_validate_json(forms.text(form, "saved"))
    except ValidationError:
        return user_error(
            request,
            "the comparison to report was not sent whole: compare the files again",
            "compare.html",
            "compare",
            _context(),
        )
    return HTMLResponse(
        comparison_report(result).render(),
        headers={"Content-Disposition": 'attachment; filename="deskmix-comparison.html"'},
    )

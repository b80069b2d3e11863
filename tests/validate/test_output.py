"""The back-test's result model: the per-scope verdicts the CLI's table shows."""

from __future__ import annotations

from deskmix.validate.output import BackTestOut, FigureOut


def _figure(scope: str, figure: str, within: bool | None) -> FigureOut:
    return FigureOut(
        figure=figure,
        scope=scope,
        history=1.0,
        simulated=1.0,
        half_width=None,
        difference=0.0,
        distance=None,
        tolerance="±10%",
        within=within,
        cause=None,
    )


def test_verdicts_per_scope_leave_out_the_whole_desk_and_unjudged_figures() -> None:
    test = BackTestOut.model_construct(
        figures=[
            _figure("all", "SLA attainment", False),
            _figure("P2", "SLA attainment", True),
            _figure("P2", "tickets per week", False),
            _figure("domain:network", "SLA attainment", None),
            _figure("domain:network", "tickets per week", True),
        ]
    )
    assert test.within_by_scope() == {"P2": (1, 2), "domain:network": (1, 1)}

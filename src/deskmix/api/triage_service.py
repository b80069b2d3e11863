"""The triage model a server answers with: loaded once, on first use, shared by all requests.

The holding is ``triage.model.ModelHolder`` (the dashboard holds its model the same way);
``predict`` is what live routing asks for when a route request brings words instead of a
domain and tier.
"""

from __future__ import annotations

from deskmix.triage.model import ModelHolder, TargetPrediction
from deskmix.triage.use_case import TicketText, TriageRequest, triage_tickets


class TriageService(ModelHolder):
    """Lazy, thread-safe access to one triage model (``deskmix serve --triage-model``)."""

    def predict(
        self, texts: list[str], threshold: float = 0.5, targets: list[str] | None = None
    ) -> list[dict[str, TargetPrediction]]:
        tickets = [TicketText.plain(t, row=i + 1) for i, t in enumerate(texts)]
        result = triage_tickets(TriageRequest(tickets, threshold, targets), self.model())
        return [t.answers for t in result.tickets]

"""The triage use case called directly: answers, the queue rule, ticket reading and the holder."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from deskmix.errors import InputError
from deskmix.triage.model import ModelHolder, TriageModel
from deskmix.triage.targets import HUMAN_QUEUE
from deskmix.triage.use_case import (
    TicketText,
    TriageRequest,
    tickets_from_bytes,
    tickets_from_file,
    triage_tickets,
)


def test_confident_tickets_go_auto_and_unsure_ones_to_a_person(trained: TriageModel) -> None:
    tickets = [
        TicketText.plain("vpn not connecting", id="A1"),
        TicketText.plain("reset my password"),
    ]
    result = triage_tickets(TriageRequest(tickets, threshold=0.0), trained)
    assert [t.answers["domain"].label for t in result.tickets] == ["network", "accounts_access"]
    assert all(t.queue == "auto" and not t.abstain for t in result.tickets)
    assert result.records()[0]["id"] == "A1" and "id" not in result.records()[1]

    unsure = triage_tickets(TriageRequest(tickets, threshold=1.0), trained)
    assert all(t.queue == HUMAN_QUEUE and t.abstain for t in unsure.tickets)
    assert unsure.tickets[0].answers["domain"].best_guess == "network"
    assert unsure.records()[0]["queue"] == HUMAN_QUEUE


def test_only_the_targets_asked_for_are_answered(trained: TriageModel) -> None:
    request = TriageRequest([TicketText.plain("printer jammed again")], targets=["domain"])
    (ticket,) = triage_tickets(request, trained).tickets
    assert list(ticket.answers) == ["domain"]
    top = ticket.top("domain", 2)
    assert top[0][0] == "end_user" and top[0][1] >= top[1][1]


def test_a_ticket_is_read_as_its_title_twice_and_shown_once() -> None:
    ticket = TicketText.of("VPN down", "since  this morning")
    assert ticket.text == "vpn down vpn down since this morning"
    assert ticket.shown == "vpn down since this morning"
    with pytest.raises(InputError, match="too long"):
        TicketText.of("x" * 30, None, max_chars=20)
    with pytest.raises(InputError, match="empty"):
        TicketText.of("   ", None)


def test_no_tickets_is_an_error(trained: TriageModel) -> None:
    with pytest.raises(InputError, match="no tickets"):
        triage_tickets(TriageRequest([]), trained)


def test_tickets_are_read_from_jsonl_csv_and_lines(tmp_path: Path) -> None:
    jsonl = tmp_path / "t.jsonl"
    jsonl.write_text('{"id": 7, "title": "VPN", "description": "down"}\n\n{"text": "wifi"}\n')
    read = tickets_from_file(jsonl, "utf-8")
    assert [(t.id, t.text, t.shown) for t in read] == [
        (7, "vpn vpn down", "vpn down"),
        (None, "wifi", "wifi"),
    ]
    csv = tmp_path / "t.csv"
    csv.write_text("number;short_description\nINC1;Printer jammed\n")
    assert [(t.id, t.shown) for t in tickets_from_file(csv, "utf-8")] == [
        ("INC1", "printer jammed")
    ]
    assert [t.text for t in tickets_from_bytes(b"one\n\ntwo\n", "utf-8")] == ["one", "two"]
    with pytest.raises(InputError, match="not valid ascii"):
        tickets_from_bytes("é".encode(), "ascii")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "a", "title": "b"}\n')
    with pytest.raises(InputError, match="not both"):
        tickets_from_file(bad, "utf-8")


def test_the_holder_loads_its_model_once_for_concurrent_requests(
    trained: TriageModel, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    loads: list[Path] = []

    def load(folder: Path) -> TriageModel:
        loads.append(folder)
        return trained

    monkeypatch.setattr("deskmix.triage.persist.load_model", load)
    holder = ModelHolder(tmp_path)
    seen: list[TriageModel] = []
    threads = [threading.Thread(target=lambda: seen.append(holder.model())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert loads == [tmp_path] and all(m is trained for m in seen) and len(seen) == 8

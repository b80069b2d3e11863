"""Asking the questionnaire in a terminal, one question at a time, re-asking on a bad answer.

The questions come from questionnaire.yaml; this module only turns typed text into the same
fields an answers file has, so both paths end in the same validation (``parse_answers``). The
terminal is reached only through the ``ask``/``say`` callables, which keeps it testable with
plain stdin.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from deskmix.errors import InputError
from deskmix.people.answers import Answers, parse_answers
from deskmix.people.catalogue import AssessmentData, Question

Ask = Callable[[str, str], str]  # (prompt, default) -> the typed text
Say = Callable[[str], None]
MAX_TRIES = 3


class BadAnswerError(ValueError):
    """A typed answer that cannot be read; the message says what is expected."""


def _pick_many(text: str, ids: list[str]) -> list[str]:
    """Numbers (1-based) or ids, separated by commas; blank is none."""
    picked: list[str] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        if part.isdigit() and 1 <= int(part) <= len(ids):
            picked.append(ids[int(part) - 1])
        elif part in ids:
            picked.append(part)
        else:
            raise BadAnswerError(f"'{part}' is not a number 1..{len(ids)} or a listed id")
    return list(dict.fromkeys(picked))


def _pick_one(text: str, ids: list[str]) -> str | None:
    chosen = _pick_many(text, ids)
    if len(chosen) > 1:
        raise BadAnswerError("pick one")
    return chosen[0] if chosen else None


def _role_or_title(text: str, ids: list[str], data: AssessmentData) -> str | None:
    """A number or id from the menu, or a job title in the person's own words (matched to a
    role; the title itself is kept so the verdict can quote it)."""
    from deskmix.people.titles import match_role

    text = text.strip()
    if not text:
        return None
    if text.isdigit() or text in ids:
        return _pick_one(text, ids)
    try:
        role = match_role(text, data)
    except InputError as exc:
        raise BadAnswerError(f"'{text}' matches no role; {exc.expected}") from None
    return f"{role.id}|{text}"


def _int_in(text: str, low: int, high: int, *, blank: int | None) -> int | None:
    text = text.strip()
    if not text:
        return blank
    if not text.lstrip("-").isdigit() or not low <= int(text) <= high:
        raise BadAnswerError(f"expected a whole number {low}..{high}")
    return int(text)


def _menu(say: Say, entries: list[tuple[str, str]]) -> None:
    for number, (key, text) in enumerate(entries, start=1):
        say(f"  {number:>2}. {text} [{key}]")


def _ask_until_valid(
    ask: Ask, say: Say, prompt: str, default: str, read: Callable[[str], Any]
) -> Any:
    for attempt in range(MAX_TRIES):
        try:
            return read(ask(prompt, default))
        except BadAnswerError as exc:
            say(f"  {exc}" + ("; please try again." if attempt < MAX_TRIES - 1 else "."))
    raise InputError(f"no valid answer after {MAX_TRIES} tries", field=prompt)


def _question(q: Question, data: AssessmentData, ask: Ask, say: Say) -> Any:
    domains = data.taxonomy.names
    if q.kind == "text":
        return ask(q.prompt, "").strip() or None
    if q.kind in ("role", "goal"):
        ids = [r.id for r in data.roles] + (["other"] if q.kind == "role" else [])
        if q.kind == "role":
            _menu(say, [(r.id, r.name) for r in data.roles] + [("other", "Something else")])
        return _ask_until_valid(ask, say, q.prompt, "", lambda t: _role_or_title(t, ids, data))
    if q.kind in ("number", "scale"):
        low, high = q.min or 0, q.max if q.max is not None else 60
        blank = None if q.kind == "scale" else low
        return _ask_until_valid(
            ask,
            say,
            q.prompt,
            "" if q.kind == "scale" else str(low),
            lambda t: _int_in(t, low, high, blank=blank),
        )
    if q.kind == "tasks":
        tasks = data.questionnaire.tasks
        _menu(say, [(t.id, t.text) for t in tasks])
        return _ask_until_valid(
            ask, say, q.prompt, "", lambda t: _pick_many(t, [x.id for x in tasks])
        )
    if q.kind == "domain_levels":
        say(q.prompt + ":")
        for level, text in data.questionnaire.levels.items():
            say(f"  {level} = {text}")
        levels: dict[str, int] = {}
        for domain in domains:
            prompt = f"{domain} ({data.taxonomy.domains[domain]})"
            value = _ask_until_valid(ask, say, prompt, "0", lambda t: _int_in(t, 0, 5, blank=0))
            if value:
                levels[domain] = value
        return levels
    if q.kind == "certifications":
        certs = list(data.certifications.values())
        _menu(say, [(c.id, c.name) for c in certs])
        return _ask_until_valid(
            ask, say, q.prompt, "", lambda t: _pick_many(t, [c.id for c in certs])
        )
    if q.kind == "domain_list":
        _menu(say, [(d, data.taxonomy.domains[d]) for d in domains])

        def read_list(text: str) -> list[str]:
            out = []
            for part in (p.strip() for p in text.split(",")):
                if part:
                    chosen = _pick_one(part, domains)
                    if chosen:
                        out.append(chosen)
            return out

        return _ask_until_valid(ask, say, q.prompt, "", read_list)
    if q.kind == "domain":
        return _ask_until_valid(ask, say, q.prompt, "", lambda t: _pick_one(t, domains))
    raise BadAnswerError(f"question kind '{q.kind}' cannot be asked")  # pragma: no cover


def run_interview(data: AssessmentData, ask: Ask, say: Say) -> Answers:
    """Ask every question in order; the answers go through the same checks as a file's."""
    raw: dict[str, Any] = {}
    for question in data.questionnaire.questions:
        value = _question(question, data, ask, say)
        if value is None or value == [] or value == {}:
            continue
        if question.kind in ("role", "goal") and "|" in str(value):
            role_id, typed = str(value).split("|", 1)
            if question.kind == "role":
                raw.setdefault("title", typed)
                value = role_id
            else:
                value = typed
        *parents, leaf = question.id.split(".")
        target = raw
        for part in parents:
            target = target.setdefault(part, {})
        target[leaf] = value
    return parse_answers(raw, data, "interview")

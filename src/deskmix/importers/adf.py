"""Atlassian Document Format (ADF) to plain text.

Jira Cloud's REST API v3 returns rich-text fields (description, text-area custom fields) as an
ADF tree, not a string. deskmix keeps descriptions as plain text for triage and reports, so the
tree is flattened: inline nodes are concatenated as written and every block starts a new line.
The one property that matters is that no text node is lost or split, whatever the nesting.
"""

from __future__ import annotations

from collections.abc import Mapping

# Inline nodes sit inside a line; everything else (paragraph, heading, listItem, tableCell,
# codeBlock, panel, ...) is a block and starts a line of its own.
_INLINE = frozenset(
    {"text", "hardBreak", "mention", "emoji", "inlineCard", "date", "status", "placeholder"}
)
# Inline atoms carry their visible text in attrs: which attribute to show, in order of preference.
_ATOM_TEXT: dict[str, tuple[str, ...]] = {
    "mention": ("text", "id"),
    "emoji": ("text", "shortName"),
    "inlineCard": ("url",),
    "status": ("text",),
    "placeholder": ("text",),
    "date": ("timestamp",),
}


def _kind(node: object) -> str | None:
    """A node's type, when it is one (a malformed export may put an object there)."""
    kind = node.get("type") if isinstance(node, Mapping) else None
    return kind if isinstance(kind, str) else None


def is_adf(value: object) -> bool:
    """A JSON value that is an ADF document (the root node of a rich-text field)."""
    return isinstance(value, Mapping) and value.get("type") == "doc"


def _atom_text(node: Mapping[str, object]) -> str:
    attrs = node.get("attrs")
    if not isinstance(attrs, Mapping):
        return ""
    for key in _ATOM_TEXT.get(str(node.get("type")), ()):
        value = attrs.get(key)
        if value is not None:
            return str(value)
    return ""


def _render(node: object) -> str:
    if not isinstance(node, Mapping):
        return ""
    kind = _kind(node)
    if kind == "text":
        text = node.get("text")
        return text if isinstance(text, str) else ("" if text is None else str(text))
    if kind == "hardBreak":
        return "\n"
    if kind in _ATOM_TEXT:
        return _atom_text(node)
    content = node.get("content")
    if not isinstance(content, list):
        return ""
    # Runs of inline children form one line; each block child becomes its own line(s).
    lines: list[str] = []
    run: list[str] = []
    for child in content:
        if _kind(child) in _INLINE:
            run.append(_render(child))
            continue
        if run:
            lines.append("".join(run))
            run = []
        rendered = _render(child)
        if rendered:
            lines.append(rendered)
    if run:
        lines.append("".join(run))
    separator = " | " if kind == "tableRow" else "\n"
    return separator.join(lines)


def flatten_adf(document: object) -> str:
    """Plain text of an ADF tree: blocks on separate lines, inline text kept contiguous.

    Malformed nodes (not objects, missing ``content``) contribute nothing rather than failing:
    a description is context for people and triage, not something an import should stop on.
    """
    return _render(document)

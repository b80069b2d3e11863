"""Free-text job titles matched to the role catalogue: "Azure cloud engineer" -> cloud_engineer.

People name their goal and their job in their own words; a role id is also accepted. Matching is
word overlap (Jaccard) against each role's name and listed titles, with a character-similarity
fallback for typos; below the bar the error names the nearest roles.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from deskmix.errors import InputError
from deskmix.people.catalogue import AssessmentData, Role


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9+]+", text.lower())


def _title_score(text: str, title: str) -> float:
    """Word overlap (Jaccard) with a character-similarity fallback for typos."""
    a, b = set(_words(text)), set(_words(title))
    if not a or not b:
        return 0.0
    jaccard = len(a & b) / len(a | b)
    ratio = SequenceMatcher(None, " ".join(_words(text)), " ".join(_words(title))).ratio()
    return max(jaccard, ratio if ratio >= 0.85 else 0.0)


MATCH_BAR = 0.5


def match_role(
    text: str, data: AssessmentData, field: str = "goal", origin: str | None = None
) -> Role:
    """A role id, or a free-text job title matched to a role's name or one of its titles."""
    cleaned = text.strip()
    for role in data.roles:
        if cleaned == role.id:
            return role
    scored = [
        (
            max(
                _title_score(cleaned, t)
                for t in [role.name, role.id.replace("_", " "), *role.titles]
            ),
            i,
        )
        for i, role in enumerate(data.roles)
    ]
    best, index = max(scored, key=lambda x: (x[0], -x[1]))
    if best >= MATCH_BAR:
        return data.roles[index]
    near = [data.roles[i].name for score, i in sorted(scored, key=lambda x: -x[0])[:3] if score > 0]
    raise InputError(
        "no role matches this title",
        file=origin,
        field=field,
        value=text,
        expected="a role id or a job title such as "
        + ", ".join(near or [r.name for r in data.roles[:3]]),
    )

"""What triage predicts: the targets, their valid labels and how priority is composed.

Priority is not learnt as one label when impact and urgency are known: a desk's ITIL matrix
turns them into P1..P5, so a desk that changes its matrix does not need to retrain.
"""

from __future__ import annotations

from typing import Final

DOMAIN: Final = "domain"
TIER: Final = "tier"
IMPACT: Final = "impact"
URGENCY: Final = "urgency"
PRIORITY: Final = "priority"

LEARNT_TARGETS: Final[tuple[str, ...]] = (DOMAIN, TIER, IMPACT, URGENCY, PRIORITY)
"""Targets with a classifier of their own (``priority`` only when impact/urgency are absent)."""

CLI_TARGETS: Final[dict[str, tuple[str, ...]]] = {
    DOMAIN: (DOMAIN,),
    TIER: (TIER,),
    PRIORITY: (IMPACT, URGENCY, PRIORITY),
    "all": (DOMAIN, TIER, IMPACT, URGENCY, PRIORITY),
}
"""What each ``--target`` choice trains: priority means impact and urgency (or priority)."""

ABSTAIN: Final = "abstain"
"""The label given when confidence is below the threshold: a human decides."""

HUMAN_QUEUE: Final = "human"

"""Reading a portfolio file (docs/formats.md, "Portfolio"), with the usual one-line errors."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from deskmix.domain.projects import Portfolio
from deskmix.errors import ConfigError
from deskmix.yamlfiles import parse_yaml, read_text, validate


def parse_portfolio(text: str, origin: str, domains: Iterable[str] | None = None) -> Portfolio:
    """The portfolio in ``text``; with ``domains`` (the workload's), every project's domains
    must be among them."""
    portfolio = validate(Portfolio, parse_yaml(text, origin), origin, "portfolio")
    if domains is not None:
        check_domains(portfolio, domains, origin)
    return portfolio


def check_domains(portfolio: Portfolio, domains: Iterable[str], origin: str) -> None:
    known = sorted(set(domains))
    for position, project in enumerate(portfolio.projects):
        for domain in project.domains:
            if domain not in known:
                raise ConfigError(
                    f"{origin}: 'projects.{position}.domains': unknown domain '{domain}'; "
                    f"the workload's domains are {', '.join(known)}"
                )


def load_portfolio(path: Path | str, domains: Iterable[str] | None = None) -> Portfolio:
    return parse_portfolio(read_text(path, "portfolio"), str(path), domains)

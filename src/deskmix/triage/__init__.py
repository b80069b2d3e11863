"""Triage: a ticket's text gives its skill domain, tier and ITIL priority, with honest confidence.

The package imports nothing here, so a prediction loads only what it needs (docs/benchmarks.md,
"Cold start").
"""

"""Self-contained HTML reports: one file with its styles and charts, readable offline."""

from deskmix.reports.document import Report

__all__ = ["Report"]

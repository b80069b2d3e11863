"""The web dashboard: server-rendered pages (Jinja2 + htmx), Plotly charts, assets served locally.

Nothing is fetched from a CDN: htmx ships in ``static/`` and plotly.js's basic bundle is served
from ``deskmix/data/plotly/`` (the one reports inline), so the dashboard works on a desk with no
internet access.
"""

from __future__ import annotations

from deskmix.web.mount import mount_web

__all__ = ["mount_web"]

"""The web dashboard: server-rendered pages (Jinja2 + htmx), Plotly charts, assets served locally.

Nothing is fetched from a CDN: htmx ships in ``static/`` and Plotly's bundle is served from the
installed ``plotly`` package, so the dashboard works on a desk with no internet access.
"""

from __future__ import annotations

from deskmix.web.mount import mount_web

__all__ = ["mount_web"]

"""The REST API (FastAPI): deskmix over HTTP, live routing with the simulator's policies."""

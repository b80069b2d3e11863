"""One router per area of the API; ``deskmix.api.app`` includes them all under ``/api``."""

"""deskmix: the right mix of IT generalists, specialists and MSP help, from ticket history."""

__version__ = "0.1.0"

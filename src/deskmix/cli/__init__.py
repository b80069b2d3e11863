"""Command line (Typer + Rich). Commands translate arguments and print; logic lives below."""

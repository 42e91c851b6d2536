"""The ``meili`` command. Each command group lives in its own module of this package."""

from meili.cli.main import main

__all__ = ["main"]

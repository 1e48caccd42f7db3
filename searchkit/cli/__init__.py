"""The ``searchkit`` command: a thin typer layer over the library.

* :mod:`.app`     the commands, their options, errors mapped to exit codes
* :mod:`.render`  hits and passages as text, JSON, JSON Lines, CSV

Nothing in the library imports this package.
"""

from __future__ import annotations

from .app import app, main

__all__ = ["app", "main"]

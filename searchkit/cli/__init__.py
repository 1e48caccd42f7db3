"""The ``searchkit`` command: a thin typer layer over the library.

* :mod:`.app`        the console script: the one app with every command
* :mod:`.common`     the typer app, the shared options, errors mapped to exit codes
* :mod:`.indexing`   ``reindex`` (``index``), ``serve-shard``
* :mod:`.searching`  ``search``, ``show``, ``stats``
* :mod:`.serving`    ``serve`` (the web page and JSON API of :mod:`searchkit.web`)
* :mod:`.tools`      ``explain``, ``abbreviations``, ``eval``
* :mod:`.render`     hits and passages as text, JSON, JSON Lines, CSV

Nothing in the library imports this package.
"""

from __future__ import annotations

from .app import app, main

__all__ = ["app", "main"]

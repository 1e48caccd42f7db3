"""The web front: a page and a JSON HTTP API over the library (``searchkit serve``).

* :mod:`.service`  the library calls behind both, their limits and time budget
* :mod:`.api`      ``/api/search``, ``/api/show``, ``/api/explain``, ``/api/stats``, ``/healthz``
* :mod:`.pages`    ``/``, ``/search``, ``/show`` (Jinja2 templates, Russian text)
* :mod:`.app`      the Starlette app: routes, typed errors, security headers
* :mod:`.serve`    the app on uvicorn: bind, print the URL, stop on SIGTERM

Beside the CLI, not inside it: neither imports the other's commands.
"""

from __future__ import annotations

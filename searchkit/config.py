"""Where the corpus and the index are: command line, environment, ``searchkit.toml``.

Precedence, highest first: a command-line option; the environment variables
``SEARCHKIT_INDEX`` / ``SEARCHKIT_CORPUS``; a ``searchkit.toml`` file; the
defaults ``corpus/`` and ``index/`` in the current directory.

``searchkit.toml`` is looked for in the current directory (the folder that holds
the corpus), or wherever ``SEARCHKIT_CONFIG`` points. Relative paths in it are
relative to the file::

    [searchkit]
    corpus = "corpus"        # folder of documents
    index = "/var/lib/searchkit/index"
    limit = 20               # default number of hits
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ConfigError

CONFIG_NAME = "searchkit.toml"


@dataclass(frozen=True)
class Settings:
    corpus: Path = Path("corpus")
    index: Path = Path("index")
    limit: int = 10


def _config_file() -> Path | None:
    explicit = os.environ.get("SEARCHKIT_CONFIG")
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"SEARCHKIT_CONFIG names {path}, which is not a file")
        return path
    here = Path.cwd() / CONFIG_NAME
    return here if here.is_file() else None


def _from_file(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the configuration: {exc}") from exc
    table = data.get("searchkit", data)
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [searchkit] must be a table")
    known = {"corpus", "index", "limit"}
    unknown = sorted(set(table) - known - {"searchkit"})
    if unknown:
        raise ConfigError(f"{path}: unknown setting(s) {', '.join(unknown)}")
    values: dict[str, Any] = {}
    for key in ("corpus", "index"):
        if key in table:
            values[key] = (path.parent / str(table[key])).resolve()
    if "limit" in table:
        if not isinstance(table["limit"], int) or table["limit"] < 1:
            raise ConfigError(f"{path}: limit must be a positive whole number")
        values["limit"] = table["limit"]
    return values


def settings() -> Settings:
    """Settings from the environment and ``searchkit.toml`` (not the command line)."""
    values: dict[str, Any] = {}
    path = _config_file()
    if path is not None:
        values.update(_from_file(path))
    if os.environ.get("SEARCHKIT_CORPUS"):
        values["corpus"] = Path(os.environ["SEARCHKIT_CORPUS"])
    if os.environ.get("SEARCHKIT_INDEX"):
        values["index"] = Path(os.environ["SEARCHKIT_INDEX"])
    return Settings(**values)

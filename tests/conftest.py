"""Shared fixtures: the bundled corpus, an index built from it, the shared corpus."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from searchkit import index_corpus

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SEED = CORPUS / "000_a4c9014b07e334a9.txt"
SHARED_CORPUS = ROOT.parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the bundled corpus, built once per test session."""
    path = tmp_path_factory.mktemp("seed-index")
    report = index_corpus(CORPUS, path)
    assert report.ok, report.failed
    return path


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled corpus."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


@pytest.fixture(scope="session")
def shared_corpus() -> Path:
    if not SHARED_CORPUS.is_dir():
        pytest.skip("../shared/corpus is absent (the real UN documents are not in this checkout)")
    return SHARED_CORPUS


FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="session")
def shared_index(shared_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """An index of ../shared/corpus, built once per test session, and its report."""
    path = tmp_path_factory.mktemp("shared-index")
    return path, index_corpus(shared_corpus, path)

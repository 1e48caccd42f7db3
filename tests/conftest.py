"""Shared fixtures: the seed document, an index built from it, the shared corpus."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from searchkit import index_corpus

# Speed is the bench's business, never a test's: no per-example deadline (a
# first call that loads the dictionaries on a busy machine is not a failure).
settings.register_profile("searchkit", deadline=None)
settings.load_profile("searchkit")

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SEED = CORPUS / "000_a4c9014b07e334a9.txt"
SHARED_CORPUS = ROOT.parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the seed document alone, built once per test session."""
    root = tmp_path_factory.mktemp("seed")
    (root / "corpus").mkdir()
    shutil.copy2(SEED, root / "corpus" / SEED.name)
    report = index_corpus(root / "corpus", root / "index")
    assert report.ok, report.failed
    return root / "index"


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A writable corpus holding a copy of the seed document."""
    target = tmp_path / "corpus"
    target.mkdir()
    shutil.copy2(SEED, target / SEED.name)
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

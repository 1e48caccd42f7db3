"""Scoring judged queries: graded gains, judged-not-relevant entries, P@5."""

import math
from dataclasses import dataclass
from pathlib import Path

import pytest

from searchkit.errors import JudgementError
from searchkit.eval import Relevant, load_judgements, score


@dataclass
class _Hit:
    text: str
    symbol: str | None = None
    paragraph: str | None = None
    source: str = "doc.txt"


def test_grade_zero_is_read_but_counts_for_nothing() -> None:
    relevant = [Relevant(grade=2, text="мигрант"), Relevant(grade=0, text="беженец")]
    hits = [_Hit("беженец"), _Hit("мигрант")]
    ndcg, rr, recall, p5 = score(hits, relevant)
    assert ndcg == pytest.approx(1 / math.log2(3))  # the relevant block at rank 2
    assert rr == 0.5 and recall == 1.0  # recall over the one relevant item only
    assert p5 == pytest.approx(0.2)


def test_p5_counts_relevant_hits_in_the_first_five() -> None:
    relevant = [Relevant(text=f"пункт {n}") for n in range(1, 8)]
    hits = [_Hit(f"пункт {n}") for n in (1, 9, 2, 3, 8, 4)]
    assert score(hits, relevant)[3] == pytest.approx(3 / 5)
    assert score(hits, relevant, k=3)[3] == pytest.approx(3 / 5)  # P@5 whatever k


def test_a_query_needs_one_relevant_item(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    path.write_text('{"query": "ввоз", "relevant": [{"text": "ввоз", "grade": 0}]}\n')
    with pytest.raises(JudgementError, match="line 1: no relevant item"):
        load_judgements(path)
    path.write_text('{"query": "ввоз", "relevant": [{"text": "ввоз", "grade": 4}]}\n')
    with pytest.raises(JudgementError, match="grade must be 0, 1, 2 or 3"):
        load_judgements(path)


def test_any_key_alone_names_a_relevant_item(tmp_path: Path) -> None:
    """``paragraph`` alone too (the number in any document), as the README says."""
    path = tmp_path / "j.jsonl"
    path.write_text('{"query": "самооборона", "relevant": [{"paragraph": 51, "grade": 3}]}\n')
    (judged,) = load_judgements(path)
    assert judged.relevant == (Relevant(grade=3, paragraph="51"),)
    hits = [_Hit("статья 50", paragraph="50"), _Hit("статья 51", paragraph="51", symbol="X")]
    assert score(hits, judged.relevant)[1] == 0.5


def test_a_relevant_item_with_no_key_or_an_unknown_one_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    path.write_text('{"query": "ввоз", "relevant": [{"grade": 2}]}\n')
    with pytest.raises(JudgementError, match="needs symbol, paragraph, source or text"):
        load_judgements(path)
    path.write_text('{"query": "ввоз", "relevant": [{"para": "3", "text": "ввоз"}]}\n')
    with pytest.raises(JudgementError, match=r"line 1: not a judgement .*unknown key 'para'"):
        load_judgements(path)
    path.write_text('{"query": "ввоз", "relevant": ["ввоз"]}\n')
    with pytest.raises(JudgementError, match="a relevant item is a JSON object"):
        load_judgements(path)

"""The query tools on the command line: explain, eval, search notes and formats."""

import json
from pathlib import Path

from typer.testing import CliRunner

from searchkit.cli import app
from searchkit.errors import EXIT_USAGE

runner = CliRunner()


def test_explain_prints_tokens_tree_and_filters() -> None:
    result = runner.invoke(app, ["explain", '"незаконного ввоза"~3 -беженец lang:ru'])
    assert result.exit_code == 0, result.output
    assert "незаконного          lemmas: незаконный" in result.output
    assert 'PHRASE~3 "незаконного[незаконный] ввоза[ввоз]"' in result.output
    assert "filters: lang:ru" in result.output
    data = json.loads(runner.invoke(app, ["explain", "стали", "--json"]).output)
    assert data["tokens"][0]["lemmas"] == ["стать", "сталь"]


def test_explain_bad_query_is_one_line_error() -> None:
    result = runner.invoke(app, ["explain", "(ввоз"])
    assert result.exit_code == EXIT_USAGE
    assert result.output.strip() == (
        "searchkit: error: query '(ввоз': unbalanced '(' (never closed) at position 0"
    )


def test_search_says_layout_and_did_you_mean(seed_index: Path) -> None:
    result = runner.invoke(app, ["search", "vbuhfyns", "--index", str(seed_index)])
    assert result.exit_code == 0, result.output
    assert "typed in the Latin keyboard layout; searched as 'мигранты'" in result.output
    assert "[[мигрантов]]" in result.output
    result = runner.invoke(app, ["search", "мигрантав", "--index", str(seed_index)])
    assert "showing results for 'мигрантов'" in result.output
    assert "[[мигрантов]]" in result.output


def test_search_html_snippets(seed_index: Path) -> None:
    result = runner.invoke(
        app, ["search", "=консультаций", "--snippets", "html", "--index", str(seed_index), "--json"]
    )
    hit = json.loads(result.output)[0]
    assert "<mark>консультаций</mark>" in hit["snippet"]
    s, e = hit["matches"][0]
    assert hit["text"][s:e] == "консультаций"


def test_eval_prints_metrics_overall_and_per_query(seed_index: Path, tmp_path: Path) -> None:
    judged = tmp_path / "judged.jsonl"
    judged.write_text(
        "# two queries over the bundled seed document\n"
        '{"query": "консультация эксперт", "relevant": '
        '[{"source": "000_a4c9", "paragraph": "1", "grade": 3}, '
        '{"text": "проведет консультации", "grade": 1}]}\n'
        '{"query": "фотосинтез", "relevant": [{"text": "фотосинтез"}]}\n',
        encoding="utf-8",
    )
    result = runner.invoke(app, ["eval", str(judged), "--index", str(seed_index)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:3] == ["nDCG@10", "MRR@10", "R@10"]
    first = lines[1].split()
    # paragraph 1 ranks first; paragraph 2 has no эксперт, but comes on the page
    # after the blocks with both words: both relevant blocks are found
    assert first[1] == "1.000" and first[2] == "1.000"
    assert lines[2].split()[:3] == ["0.000", "0.000", "0.000"]
    assert lines[-1].endswith("overall (2 queries)")
    data = json.loads(
        runner.invoke(app, ["eval", str(judged), "--index", str(seed_index), "--json"]).output
    )
    assert data["mrr"] == 0.5 and len(data["queries"]) == 2


def test_eval_bad_judgement_file_names_the_line(seed_index: Path, tmp_path: Path) -> None:
    judged = tmp_path / "bad.jsonl"
    judged.write_text('{"query": "ввоз", "relevant": []}\n{"query": 1\n', encoding="utf-8")
    result = runner.invoke(app, ["eval", str(judged), "--index", str(seed_index)])
    assert result.exit_code == EXIT_USAGE
    assert f"{judged}, line 1: each relevant item needs" in result.output
    judged.write_text('{"query": 1\n', encoding="utf-8")
    result = runner.invoke(app, ["eval", str(judged), "--index", str(seed_index)])
    assert f"{judged}, line 1: not a judgement" in result.output


def test_explain_shows_the_russian_layout_reading() -> None:
    result = runner.invoke(app, ["explain", "ytpfrjyysq ddjp"])
    assert "in the Russian layout: незаконный ввоз" in result.output

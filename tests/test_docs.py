"""The README stays true: its tour runs, and every command and option is in it."""

from __future__ import annotations

import os
import re
import shlex
import shutil
from pathlib import Path

import pytest
import typer
from typer.core import TyperArgument, TyperOption
from typer.testing import CliRunner

from searchkit.cli import app

from .conftest import CORPUS, ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
runner = CliRunner()


def _console_examples() -> list[tuple[str, str | None]]:
    """(command, first line of shown output) for each `$ searchkit` line."""
    examples = []
    for block in re.findall(r"```console\n(.*?)```", README, re.S):
        lines = block.splitlines()
        for i, line in enumerate(lines):
            if line.startswith("$ searchkit "):
                shown = (
                    lines[i + 1]
                    if i + 1 < len(lines) and not lines[i + 1].startswith("$")
                    else None
                )
                examples.append((line[2:], shown))
    return examples


def _python_examples() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README, re.S)


def _files() -> dict[str, str]:
    """The README's example files: a ```json block whose first line is
    ``# NAME.jsonl`` (a comment in a judgement file) is the file NAME.jsonl."""
    found = re.findall(r"```json\n# ([\w.-]+\.jsonl)\n(.*?)```", README, re.S)
    return {name: f"# {name}\n{body}" for name, body in found}


@pytest.fixture
def tour_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(CORPUS, tmp_path / "corpus")
    for name, text in _files().items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for name in ("SEARCHKIT_INDEX", "SEARCHKIT_CORPUS", "SEARCHKIT_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def _expected_prefix(shown: str) -> str:
    # Scores and timings change with ranking work and machines: compare up to them.
    return re.split(r"\s+\(\d|\s\d+\.\d+s\b", shown)[0].rstrip()


def test_readme_tour_runs(tour_dir: Path) -> None:
    examples = _console_examples()
    assert len(examples) >= 5
    for command, shown in examples:
        args = shlex.split(command)[1:]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, f"{command}\n{result.output}"
        if shown:
            prefix = _expected_prefix(shown)
            assert any(line.startswith(prefix) for line in result.output.splitlines()), (
                f"{command}: README shows {shown!r}, got:\n{result.output}"
            )


def test_readme_eval_example_finds_what_it_judges(tour_dir: Path) -> None:
    """The judged queries the README shows hold on the bundled corpus: every
    relevant item is in its query's top ten (one is named by paragraph alone)."""
    import json

    assert "judgements.jsonl" in _files()
    assert runner.invoke(app, ["index", "--quiet"]).exit_code == 0
    result = runner.invoke(app, ["eval", "judgements.jsonl", "--json"])
    assert result.exit_code == 0, result.output
    queries = json.loads(result.output)["queries"]
    assert len(queries) == 3 and all(q["recall"] == 1.0 for q in queries), queries


def test_readme_python_examples_run(tour_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    examples = _python_examples()
    assert examples
    for code in examples:
        exec(compile(code, "README.md", "exec"), {"__name__": "readme"})
    assert "para." in capsys.readouterr().out


def _commands() -> dict:
    return dict(typer.main.get_command(app).commands)


def test_every_command_is_documented_and_has_help() -> None:
    for name, command in _commands().items():
        assert f"searchkit {name}" in README, f"'searchkit {name}' is missing from README.md"
        assert (command.help or "").strip(), f"{name} has no help text"


def test_every_option_is_documented_and_has_help() -> None:
    for name, command in _commands().items():
        for param in command.params:
            if not isinstance(param, TyperOption) or param.name == "help":
                continue
            longest = max(param.opts, key=len)
            assert longest in README, f"{name} {longest} is missing from README.md"
            assert (param.help or "").strip(), f"{name} {longest} has no help text"
        for param in command.params:
            if isinstance(param, TyperArgument):
                assert getattr(param, "help", "").strip(), f"{name} {param.name} has no help"


def test_changelog_exists() -> None:
    assert (ROOT / "CHANGELOG.md").is_file()
    assert os.path.getsize(ROOT / "CHANGELOG.md") > 0

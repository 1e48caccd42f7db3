"""The query parser: every operator's tree, and every bad query's error."""

import pytest

from searchkit import QueryError
from searchkit.query import (
    MAX_QUERY_CHARS,
    And,
    Filter,
    Not,
    Or,
    Phrase,
    Symbol,
    Word,
    from_latin_layout,
    parse,
    parse_tree,
)
from searchkit.query.explain import explain
from searchkit.query.plan import FieldPrefix, FieldRange
from searchkit.retrieval.ranker import match_terms


def test_words_are_anded_with_lemmas() -> None:
    tree = parse_tree("незаконный ввоз мигрантов")
    assert isinstance(tree, And)
    assert [w.lemmas[0] for w in tree.children] == ["незаконный", "ввоз", "мигрант"]


def test_phrase_proximity_exact_and_prefix() -> None:
    phrase = parse_tree('"незаконного ввоза"')
    assert isinstance(phrase, Phrase) and phrase.slop is None
    near = parse_tree('"ввоз мигрантов"~3')
    assert isinstance(near, Phrase) and near.slop == 3
    exact = parse_tree("=мигрантов")
    assert isinstance(exact, Word) and exact.exact and exact.norm == "мигрантов"
    inside = parse_tree('"=незаконного ввоз"')
    assert [w.exact for w in inside.words] == [True, False]
    prefix = parse_tree("мигр*")
    assert prefix.prefix and prefix.norm == "мигр"
    assert isinstance(parse_tree("«незаконный ввоз»"), Phrase)


def test_or_binds_tighter_than_and_and_not_forms() -> None:
    tree = parse_tree("ввоз мигрант OR беженец -эксперт NOT консультация")
    assert isinstance(tree, And)
    _, either, minus, not_ = tree.children
    assert isinstance(either, Or) and [w.norm for w in either.children] == ["мигрант", "беженец"]
    assert isinstance(minus, Not) and minus.child.norm == "эксперт"
    assert isinstance(not_, Not) and not_.child.norm == "консультация"


def test_parentheses_group() -> None:
    tree = parse_tree("(мигрант OR беженец) ввоз")
    assert isinstance(tree, And) and isinstance(tree.children[0], Or)


def test_field_filters_and_symbols() -> None:
    tree = parse_tree(
        "ввоз symbol:CTOC/COP/* year:2010..2012 date:>=2012-01 lang:ru "
        "kind:paragraph cites:A/RES/70/1 body:CTOC/COP СТОС/COP/2012/1"
    )
    fields = [(c.field, c.value) for c in tree.children if isinstance(c, Filter)]
    assert fields == [
        ("symbol", "CTOC/COP/*"),
        ("year", "2010..2012"),
        ("date", ">=2012-01"),
        ("lang", "ru"),
        ("kind", "paragraph"),
        ("cites", "A/RES/70/1"),
        ("body", "CTOC/COP"),
    ]
    symbol = tree.children[-1]
    assert isinstance(symbol, Symbol) and symbol.symbol == "CTOC/COP/2012/1"
    assert parse("ввоз year:2010..2012").limits == (FieldRange("year", 2010, 2012),)
    assert parse("symbol:CTOC/COP/*").limits == (FieldPrefix("symbol", "CTOC/COP/"),)
    assert parse("date:>=2012-01").limits == (FieldRange("date", "2012-01", None),)


def test_hyphenated_word_whole_and_parts_any_dash() -> None:
    for dash in "-‐‑–—−":
        word = parse_tree(f"социально{dash}экономический")
        assert word.norm == "социально-экономический"
        assert word.parts == ("социально", "экономический")


def test_folding_in_queries() -> None:
    assert parse_tree("Учёт").norm == "учет"
    assert parse_tree("cреду").lemmas == ("среда",)  # Latin c folded inside a Russian word


def test_homonym_word_keeps_every_reading_most_probable_first() -> None:
    word = parse_tree("стали")
    assert word.lemmas[0] == "стать" and "сталь" in word.lemmas
    terms = match_terms(parse("стали").clauses[0])
    assert ("content", "сталь", 0.5) in terms and ("content", "=стали", 0.6) in terms


def test_stop_words_dropped_but_negations_and_quantifiers_kept() -> None:
    parsed = parse("ввоз в страны без документов не более двух")
    assert parsed.dropped == ["в"]
    kept = {w.norm for w in parsed.words}
    assert {"без", "не", "более", "двух"} <= kept
    assert parse("в").words  # a query of stop words only keeps them
    assert not parse('"ввоз в страны"').dropped  # never dropped from phrases


def test_keyboard_layout() -> None:
    assert from_latin_layout("vbuhfyns") == "мигранты"
    assert from_latin_layout("gjvjom") == "помощь"


@pytest.mark.parametrize(
    ("query", "reason", "position"),
    [
        ('"незаконный ввоз', "unbalanced quote", 0),
        ("ввоз «мигрантов", "unbalanced quote", 5),
        ("(ввоз мигрантов", "unbalanced '('", 0),
        ("ввоз) мигрантов", "unbalanced ')'", 4),
        ("ввоз - мигрантов", "lone '-'", 5),
        ("-", "lone '-'", 0),
        ("ввоз\x00", "control character U+0000", 4),
        ("ввоз\x1b[31m", "control character U+001B", 4),
        ("OR ввоз", "OR needs a word before it", 0),
        ("ввоз OR", "OR needs a word after it", 5),
        ("ввоз ()", "empty parentheses", 5),
        ("NOT", "NOT needs a word after it", 0),
        ("-ввоз", "only excluded words", None),
        ('"ввоз"~', "'~' after a phrase needs a number", 6),
        ("year:20x0", "year: expects YYYY", 0),
        ("date:2012/01", "date: expects YYYY", 0),
        ("symbol:", "symbol: needs a value", 0),
        ("symbol:мигрант", "is not a UN symbol", 0),
        ("м*", "prefix* needs at least two letters", 0),
        ("=", "'=' must be followed by a word form", 0),
        ("", "nothing to search for", None),
        ("  ,,, ", "nothing to search for", None),
    ],
)
def test_bad_queries_name_problem_and_position(query: str, reason: str, position) -> None:
    with pytest.raises(QueryError) as info:
        parse(query)
    assert reason in str(info.value)
    assert info.value.position == position
    assert repr(query[:20])[1:-1][:5] in str(info.value)  # the query is named


def test_huge_and_deeply_nested_queries_fail_fast() -> None:
    with pytest.raises(QueryError, match=r"too long \(10000 characters"):
        parse("ввоз " * 2000)
    deep = "(" * 400 + "ввоз" + ")" * 400
    assert len(deep) <= MAX_QUERY_CHARS
    with pytest.raises(QueryError, match="nested deeper"):
        parse(deep)
    with pytest.raises(QueryError, match="unbalanced"):
        parse('"' * 999)


def test_explain_shows_tokens_lemmas_folding_tree_filters() -> None:
    out = explain("Cтали =мигрантов социально–экономический year:2012").text()
    assert "стали" in out and "lemmas: стать | сталь" in out
    assert "folded from 'Cтали'" in out
    assert "part социально" in out and "WORD =мигрантов" in out
    assert "filters: year:2012" in out
    assert "AND" in out.splitlines()[out.splitlines().index("tree:") + 1]


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_ALPHABET = st.sampled_from(list("ав ёмиг-\"()*=:~«»ORNOTAND/–\u2212.,01xyz\\'\t"))


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.one_of(
            _ALPHABET,
            st.sampled_from(
                ["OR", "NOT", "AND", "year:", "symbol:", "date:>=", "..", "CTOC/COP/", "~2"]
            ),
        ),
        max_size=40,
    ).map("".join)
)
def test_any_text_parses_or_raises_query_error(text: str) -> None:
    try:
        parse(text)
    except QueryError as exc:
        assert exc.position is None or 0 <= exc.position <= len(text)

import pytest
from hypothesis import given
from hypothesis import strategies as st

from searchkit.analysis import iter_words, lemmas, normalize
from searchkit.index.schema import lemma_analyzer


@pytest.mark.parametrize(
    ("form", "lemma"),
    [
        ("ввоза", "ввоз"),
        ("ввозу", "ввоз"),
        ("ввозом", "ввоз"),
        ("мигрантов", "мигрант"),
        ("рабочей", "рабочий"),
        ("группы", "группа"),
        ("консультаций", "консультация"),
        ("экспертов", "эксперт"),
        ("reports", "report"),
    ],
)
def test_lemmas(form: str, lemma: str) -> None:
    assert lemma in lemmas(form)


def test_homonyms_keep_every_reading_most_probable_first() -> None:
    assert lemmas("стали")[:1] == ("стать",)
    assert "сталь" in lemmas("стали")


@pytest.mark.parametrize(
    ("raw", "norm"),
    [
        ("Ёлка", "елка"),
        ("cреду", "среду"),  # Latin c inside a Russian word
        ("OOН", "оон"),  # Latin O O + Cyrillic Н
        ("годыa", "годы"),  # footnote letter glued to the word
        ("со\u00adгласно", "согласно"),  # soft hyphen
    ],
)
def test_normalize(raw: str, norm: str) -> None:
    assert normalize(raw)[0] == norm


def test_glued_footnote_letter_is_not_highlighted() -> None:
    text = "в течение годыa"
    word = list(iter_words(text))[-1]
    assert text[word.start : word.end] == "годы"


def test_hyphenated_word_whole_and_parts_at_stable_positions() -> None:
    words = list(iter_words("социально-экономическое развитие"))
    assert [(w.text, w.pos, w.whole) for w in words] == [
        ("социально", 0, False),
        ("экономическое", 1, False),
        ("социально-экономическое", 0, True),
        ("развитие", 2, False),
    ]


def test_analyzer_keeps_offsets_into_original_text() -> None:
    text = "Рабочей группы по незаконному ввозу мигрантов"
    tokens = [
        (t.text, text[t.startchar : t.endchar])
        for t in lemma_analyzer()(text, positions=True, chars=True)
    ]
    assert ("ввоз", "ввозу") in tokens
    assert ("рабочий", "Рабочей") in tokens


@given(
    st.text(
        alphabet=st.sampled_from("абвгдеёжзийклмнопрстуфхцчшщъыьэюя АБВ-,.cao0123\u00ad"),
        max_size=60,
    )
)
def test_offsets_always_point_at_the_surface_form(text: str) -> None:
    for word in iter_words(text):
        surface = text[word.start : word.end]
        assert surface, word
        if not word.whole:
            assert normalize(surface)[0] == word.text


def test_every_curated_name_key_is_current() -> None:
    """un_bodies.tsv stores each name's lookup key (no query lemmatises the
    list); after the analyser or its dictionary changes, a stale key would
    silently stop the expansion: rewrite them with
    ``python -m searchkit.analysis.abbreviations``."""
    from searchkit.analysis.abbreviations import _rows, name_key

    rows = _rows()
    assert len(rows) > 50
    stale = [(name, key, name_key(name)) for _a, _l, name, key in rows if key != name_key(name)]
    assert not stale, stale[:3]


def test_edit_distance_counts_a_swap_as_one_edit_and_stops_past_its_limit() -> None:
    from searchkit.analysis.abbreviations import edit_distance

    assert edit_distance("вкур", "вкру", 2) == 1  # two neighbours swapped
    assert edit_distance("проон", "оон", 2) == 2
    assert edit_distance("уввкб", "увкпч", 2) == 3  # past the limit: limit + 1
    assert edit_distance("оон", "магатэ", 1) == 2
    assert edit_distance("унп оон", "унп оон", 1) == 0


def test_a_word_typed_like_an_abbreviation() -> None:
    from searchkit.analysis.abbreviations import looks_like_abbreviation

    assert all(map(looks_like_abbreviation, ["ПРООН", "UNDP", "СП8", "ЕЭК-ООН", "ЮНСИТРАЛ"]))
    assert not any(map(looks_like_abbreviation, ["Пронн", "прочь", "Я", "G7", "ЗАПРЕЩЕНИЕ"]))


def test_a_full_name_in_its_dictionary_form() -> None:
    """Names as UN text defines them (the shared corpus's reports), and every
    curated name, which is in the nominative already and stays as it is."""
    from searchkit.analysis.abbreviations import curated, dictionary_form

    cases = {
        "Совете по правам человека": "Совет по правам человека",
        "Программой развития Организации Объединенных Наций": (
            "Программа развития Организации Объединенных Наций"
        ),
        "Координационному совету руководителей системы": (
            "Координационный совет руководителей системы"
        ),
        "валовой добавленной стоимости": "валовая добавленная стоимость",
        "малого и среднего предпринимательства": "малое и среднее предпринимательство",
        "разоружения, демобилизации и реинтеграции": "разоружение, демобилизация и реинтеграция",
        "некоммерческих организаций, обслуживающих домашние хозяйства": (
            "некоммерческие организации, обслуживающие домашние хозяйства"
        ),
        "Юго-Восточной Европы": "Юго-Восточная Европа",
        "Управления ПРООН по ревизии и расследованиям": (
            "Управление ПРООН по ревизии и расследованиям"
        ),
        "Положения и правила о персонале": "Положения и правила о персонале",
        "Joint Submission 8": "Joint Submission 8",
    }
    assert {name: dictionary_form(name) for name in cases} == cases
    russian = [name for _a, lang, name in curated() if lang == "ru"]
    assert len(russian) > 40
    assert [n for n in russian if dictionary_form(n) != n] == []

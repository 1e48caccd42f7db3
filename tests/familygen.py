"""Small UN documents of one family each, in the plain-text layout of the
bundled seed (masthead, title, numbered paragraphs), with real symbols
(those of ``../shared/corpus/un-pdf/MANIFEST.tsv`` and the bundled corpus)
and mastheads as the UN prints them."""

from __future__ import annotations

from pathlib import Path

_RU_HEAD = """**Организация Объединенных Наций**

{symbol}

**Генеральная Ассамблея**

Distr.: General
{date}
Russian
Original: English

Совет по правам человека

Пятьдесят пятая сессия

**{title}**

"""
_EN_HEAD = """**United Nations**

{symbol}

**General Assembly**

Distr.: General
{date}

English
Original: English

Human Rights Council

Fifty-fifth session

**{title}**

"""


def masthead(symbol: str, lang: str, date: str, title: str) -> str:
    head = _RU_HEAD if lang == "ru" else _EN_HEAD
    return head.format(symbol=symbol, date=date, title=title)


def document(
    symbol: str, lang: str, date: str, title: str, paragraphs: list[str], notes: str = ""
) -> str:
    body = "\n\n".join(f"{i}. {p}" for i, p in enumerate(paragraphs, 1))
    return masthead(symbol, lang, date, title) + body + ("\n\n" + notes if notes else "") + "\n"


def write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


#: The report A/HRC/55/10 as issued, then revised twice (Russian and English).
ORIGINAL_RU = [
    "Рабочая группа рассмотрела положение лесных пожаров в горных районах.",
    "Делегации обсудили меры по восстановлению пострадавших территорий после пожаров.",
    "Секретариат представил предварительную оценку ущерба.",
]
REV1_RU = [
    "Рабочая группа рассмотрела положение лесных пожаров в горных районах и на побережье.",
    "Делегации обсудили меры по восстановлению территорий после пожаров и наводнений.",
    "Секретариат представил уточненную оценку ущерба.",
]
REV2_RU = [
    "Рабочая группа рассмотрела положение лесных пожаров в горах, на побережье и в степях.",
    "Делегации обсудили меры по восстановлению территорий после пожаров, наводнений и засух.",
    "Секретариат представил окончательную оценку ущерба.",
]
REV2_EN = [
    "The Working Group considered forest fires in mountains, on the coast and in the steppes.",
    "Delegations discussed measures to restore territories after fires, floods and droughts.",
    "The Secretariat presented the final assessment of the damage.",
]
ADD1_RU = [
    "Настоящее добавление содержит сведения о пожарах, полученные от государств позднее.",
]


def corrigendum_ru(symbol: str, date: str, para: str, only: bool) -> str:
    """A corrigendum as the UN prints it in Russian: which paragraph, then the instruction."""
    note = "Только на русском языке\n\n" if only else ""
    return (
        masthead(symbol, "ru", date, "Доклад Рабочей группы по лесным пожарам")
        + "Исправление\n\n"
        + note
        + f"Пункт {para}\n\n"
        + "Вместо существующего текста читать\n\n"
        + f"{para}. Делегации обсудили меры по восстановлению лесов после пожаров.\n"
    )


def write_hrc_family(root: Path) -> None:
    """A/HRC/55/10 in Russian, Rev.1 in Russian, Rev.2 in Russian and English,
    a Russian-only corrigendum of Rev.2 (paragraph 2), an addendum."""
    title = "Доклад Рабочей группы по лесным пожарам"
    write(
        root,
        "hrc/a_hrc_55_10_ru.txt",
        document("A/HRC/55/10", "ru", "5 March 2024", title, ORIGINAL_RU),
    )
    write(
        root,
        "hrc/a_hrc_55_10_rev1_ru.txt",
        document("A/HRC/55/10/Rev.1", "ru", "20 March 2024", title, REV1_RU),
    )
    write(
        root,
        "hrc/a_hrc_55_10_rev2_ru.txt",
        document("A/HRC/55/10/Rev.2", "ru", "2 April 2024", title, REV2_RU),
    )
    write(
        root,
        "hrc/a_hrc_55_10_rev2_en.txt",
        document(
            "A/HRC/55/10/Rev.2",
            "en",
            "2 April 2024",
            "Report of the Working Group on forest fires",
            REV2_EN,
        ),
    )
    write(
        root,
        "hrc/a_hrc_55_10_rev2_corr1_ru.txt",
        corrigendum_ru("A/HRC/55/10/Rev.2/Corr.1", "10 April 2024", "2", only=True),
    )
    write(
        root,
        "hrc/a_hrc_55_10_add1_ru.txt",
        document("A/HRC/55/10/Add.1", "ru", "6 March 2024", title, ADD1_RU),
    )


def write_resolution_and_draft(root: Path) -> None:
    """The 2030 Agenda as adopted (A/RES/70/1) and its draft (A/70/L.1): two bases."""
    para = "Мы преисполнены решимости избавить человечество от тирании нищеты и нужды к 2030 году."
    write(
        root,
        "ga/a_res_70_1.txt",
        document("A/RES/70/1", "ru", "21 October 2015", "Преобразование нашего мира", [para]),
    )
    write(
        root,
        "ga/a_70_l1.txt",
        document("A/70/L.1", "ru", "18 September 2015", "Проект итогового документа", [para]),
    )


def write_reissue(root: Path) -> None:
    """TD/B/43/6 first printed, then reissued for technical reasons (``*``)."""
    first = ["The Board reviewed trade in commodities and the terms of trade of small economies."]
    second = [
        "The Board reviewed trade in commodities and the terms of trade of small island economies."
    ]
    title = "Trade and development report"
    write(root, "td/td_b_43_6_en.txt", document("TD/B/43/6", "en", "12 June 1996", title, first))
    note = "* Reissued for technical reasons on 20 June 1996."
    write(
        root,
        "td/td_b_43_6_reissue_en.txt",
        document("TD/B/43/6*", "en", "20 June 1996", title, second, note),
    )


def write_joint(root: Path) -> None:
    """A report issued under a joint symbol, and an English corrigendum of its
    Security Council part (paragraph 3, "for … read …")."""
    paras = [
        "The Secretary-General reports on the situation in the region.",
        "Humanitarian access remained restricted throughout the period.",
        "The mission recorded 120 incidents affecting civilians.",
    ]
    write(
        root,
        "joint/a_80_500.txt",
        document(
            "A/80/500-S/2025/656", "en", "15 October 2025", "Report of the Secretary-General", paras
        ),
    )
    corr = (
        masthead("S/2025/656/Corr.1", "en", "20 October 2025", "Report of the Secretary-General")
        + "Corrigendum\n\nParagraph 3, first line\n\nFor 120 incidents read 210 incidents\n"
    )
    write(root, "joint/s_2025_656_corr1.txt", corr)

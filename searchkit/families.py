"""Document families: a UN symbol as a base and a chain of suffixes, and the
relations between the documents of one base.

The Dag Hammarskjöld Library's rules ("UN Documentation: Document Symbols"):
a symbol ends in a chain of suffixes, each a change to the text before it:

* ``/Rev.N``   a revision: it replaces the texts issued before it (the
  original, lower revisions, and their corrigenda);
* ``/Corr.N``  a corrigendum of the text it is appended to (not always issued
  in every language);
* ``/Add.N``   an addendum: more text, beside the original, never replacing it;
* ``/Amend.N`` an amendment of an adopted text;
* ``/Summary`` a summary of it;

and a ``*`` after a symbol marks a reissue for technical reasons (the same
symbol printed again; a footnote says so). Suffixes stack:
``ST/SG/AC.10/1/Rev.15/Corr.1`` corrects revision 15 of ``ST/SG/AC.10/1``.
A joint symbol (``A/80/500-S/2025/656``) belongs to the family of each of its
parts. Only those five suffixes make a family: ``A/70/L.1`` (a draft) and
``A/RES/70/1`` (the resolution adopted from it) are two bases.

Also here, because they read the symbol or a corrigendum's own words: the
document type a symbol says (:func:`document_type`), the paragraphs a
corrigendum's instructions name in any of the UN's six languages
(:func:`corrected_targets`), and the note that marks a reissue
(:func:`is_reissue_note`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .symbols import canonical, joint_parts

#: Suffix words and the relation a document with that last suffix has to its parent.
RELATIONS = {
    "Rev": "supersedes",
    "Corr": "corrects",
    "Add": "adds",
    "Amend": "amends",
    "Summary": "summarises",
}
#: The relation of a reissue (``*``) to the first printing of its symbol.
REISSUES = "reissues"
#: The relation of a family's base document itself.
ORIGINAL = "original"

_STEP = re.compile(r"^(Rev|Corr|Add|Amend)\.(\d+)$|^(Summary|SUMMARY)$")


@dataclass(frozen=True, slots=True)
class Symbol:
    """A symbol split into its base and its suffix chain
    (``("Rev", 1), ("Corr", 2)``; ``/Summary`` is ``("Summary", 0)``)."""

    symbol: str
    base: str
    chain: tuple[tuple[str, int], ...] = ()

    @property
    def relation(self) -> str:
        """What this document is to its parent (:data:`RELATIONS`), or ``original``."""
        return RELATIONS[self.chain[-1][0]] if self.chain else ORIGINAL

    @property
    def parent(self) -> str | None:
        """The symbol of the text this one changes (``None`` for the base)."""
        if not self.chain:
            return None
        return self.symbol.rsplit("/", 1)[0]


def parse(symbol: str) -> Symbol | None:
    """``symbol`` (canonical, not joint) as base and suffix chain.

    >>> parse("ST/SG/AC.10/1/Rev.15/Corr.1").chain
    (('Rev', 15), ('Corr', 1))
    >>> parse("ST/SG/AC.10/1/Rev.15/Corr.1").base
    'ST/SG/AC.10/1'
    >>> parse("A/70/L.1").chain
    ()
    """
    canon = canonical(symbol.rstrip("*"))
    if canon is None or "/" not in canon or len(joint_parts(canon)) > 1:
        return None
    parts = canon.split("/")
    chain: list[tuple[str, int]] = []
    while len(parts) > 2:
        m = _STEP.match(parts[-1])
        if m is None:
            break
        chain.append((m.group(1), int(m.group(2))) if m.group(1) else ("Summary", 0))
        parts.pop()
    return Symbol(canon, "/".join(parts), tuple(reversed(chain)))


def bases(symbol: str) -> list[str]:
    """The bases of the families ``symbol`` belongs to: one, or one per part of
    a joint symbol (``A/80/500-S/2025/656`` -> ``A/80/500``, ``S/2025/656``)."""
    parts = joint_parts(symbol)
    found = [parse(p) for p in (parts[1:] if len(parts) > 1 else parts)]
    return list(dict.fromkeys(s.base for s in found if s is not None))


def supersedes(newer: Symbol, older: Symbol) -> bool:
    """Does ``newer`` (a revision) replace ``older``? A revision ``P/Rev.N``
    replaces ``P`` itself, ``P``'s corrigenda and amendments, and ``P/Rev.M``
    for M < N with whatever hangs from it; never an addendum of ``P``
    (``P/Add.1`` stands beside it) nor a summary.

    >>> supersedes(parse("A/1/Rev.2"), parse("A/1/Rev.1/Corr.1"))
    True
    >>> supersedes(parse("A/1/Rev.1"), parse("A/1/Add.1"))
    False
    """
    if newer.base != older.base or not newer.chain or newer.chain[-1][0] != "Rev":
        return False
    stem, (_, n) = newer.chain[:-1], newer.chain[-1]
    if older.chain[: len(stem)] != stem:
        return False
    rest = older.chain[len(stem) :]
    if not rest:
        return True
    kind, m = rest[0]
    return (kind == "Rev" and m < n) or kind in ("Corr", "Amend")


# --------------------------------------------------------------------------- types

#: Document types read from a symbol, tried in order: (label, pattern over the
#: canonical symbol with a leading and a trailing ``/``).
DOCUMENT_TYPES = (
    ("corrigendum", r"/Corr\.\d+/$"),
    ("resolution", r"/RES/"),
    ("decision", r"/DEC/"),
    ("presidential statement", r"/PRST/"),
    ("verbatim record", r"/PV\.\d"),
    ("summary record", r"/SR\.\d"),
    ("draft", r"/L\.\d"),
    ("information", r"/INF/"),
    ("conference room paper", r"/CRP\.\d"),
    ("working paper", r"/WP\.\d+/$"),
    ("non-governmental organization", r"/NGO/"),
    ("miscellaneous", r"/MISC\.?\d"),
    ("report", r"/REP/|/CO/\d|/WG\.6/\d+/[A-Z]{3}/[123]/"),
)
_TYPES = [(label, re.compile(pattern, re.IGNORECASE)) for label, pattern in DOCUMENT_TYPES]


def document_type(symbol: str | None) -> str | None:
    """The kind of document ``symbol`` says it is (``None``: no symbol).

    >>> document_type("A/RES/70/1"), document_type("A/70/L.1"), document_type("S/PV.4507")
    ('resolution', 'draft', 'verbatim record')
    >>> document_type("A/HRC/55/10")
    'document'
    """
    if not symbol:
        return None
    first = joint_parts(symbol)[1:2] or [symbol]
    text = f"/{first[0]}/"
    for label, pattern in _TYPES:
        if pattern.search(text):
            return label
    return "document"


# --------------------------------------------------------------------------- corrigenda

#: The words that name a paragraph, footnote, etc. in a corrigendum's
#: instructions, in the six languages: (pattern, kind of block named).
_LABELS = (
    (r"paragraphs?|paras?\.|пункты?|пункта|пунктах|paragraphes?|párrafos?|الفقرات|الفقرة", "para"),
    (r"footnotes?|сноск[аиеу]|notes? de bas de page|notas? de pie de página|الحاشية", "note"),
)
_NUMBER = r"\d{1,4}(?:\s?\([a-zа-я]{1,3}\))?"
_LIST = rf"{_NUMBER}(?:\s*(?:,|and|et|y|и|و|-|–)\s*{_NUMBER})*"
# An instruction names its target at the start of a line ("Пункт 2", "Annex I,
# paragraph 3"): a paragraph cited inside the corrected text is no target.
_LEAD = r"^(?:[^\n.;:]{0,40},\s*)?"
_TARGET = re.compile(
    rf"{_LEAD}(?P<label>{'|'.join(p for p, _ in _LABELS)})\s+(?P<numbers>{_LIST})",
    re.IGNORECASE | re.MULTILINE,
)
_TARGET_ZH = re.compile(
    rf"{_LEAD}第\s*(?P<numbers>{_LIST})\s*(?P<label>段|个脚注|脚注)", re.MULTILINE
)
#: The instruction that makes the text a correction ("for … read …", in the six languages).
_INSTRUCTION = re.compile(
    r"\bfor\b.*?\bread\b|\bdelete\b|\binsert\b|\breplace\b"
    r"|вместо.*?читать|исключить|добавить|заменить"
    r"|au lieu de.*?lire|supprimer|remplacer|insérer|ajouter"
    r"|donde dice.*?(?:debe|deberá) decir|suprímase|sustitúyase|insértese|añádase"
    r"|يستعاض|تحذف|تضاف|يُستعاض"
    r"|改为|删除|替换|插入|应为",
    re.IGNORECASE | re.DOTALL,
)


def corrected_targets(text: str) -> tuple[str, ...] | None:
    """The blocks a corrigendum's text names: ``("2", "3 (b)", "footnote 4")``
    (paragraphs by their printed number, footnotes as ``footnote N``); ``None``
    when it names none or gives no instruction (``for … read …``, ``вместо …
    читать …``, ``Au lieu de … lire``, ``Donde dice … debe decir``, …): then
    it corrects the document as a whole.

    >>> corrected_targets("Пункт 2. Вместо существующего текста читать: ...")
    ('2',)
    >>> corrected_targets("Paragraphs 3 and 5 (b), second line: for 2015 read 2016")
    ('3', '5 (b)')
    >>> corrected_targets("The report should read as follows") is None
    True
    """
    if not _INSTRUCTION.search(text):
        return None
    found: dict[str, None] = {}
    for m in [*_TARGET.finditer(text), *_TARGET_ZH.finditer(text)]:
        label = m.group("label").lower()
        notes = _LABELS[1][0]
        kind = "note" if "脚注" in label or re.fullmatch(notes, label, re.I) else "para"
        for number in re.findall(_NUMBER, m.group("numbers")):
            number = re.sub(r"\s*\(", " (", number.strip())
            found.setdefault(number if kind == "para" else f"footnote {number}", None)
    return tuple(found) or None


def names_block(target: str, kind: str, number: str | None) -> bool:
    """Does a corrigendum's ``target`` (:func:`corrected_targets`) name a block
    of this kind and printed number? A paragraph names its subparagraphs too."""
    if number is None:
        return False
    if target.startswith("footnote "):
        return kind == "footnote" and number == target.split(" ", 1)[1]
    if kind == "footnote":
        return False
    normal = " ".join(number.replace("(", " (").split())
    return normal == target or normal.startswith(target + " (")


#: The languages a corrigendum says it concerns ("Russian only", "Только на
#: русском языке", "Anglais seulement", "Sólo en español"…).
_ONLY = {
    "ar": ("arabic", "арабском", "arabe", "árabe"),
    "zh": ("chinese", "китайском", "chinois", "chino"),
    "en": ("english", "английском", "anglais", "inglés"),
    "fr": ("french", "французском", "français", "francés"),
    "ru": ("russian", "русском", "russe", "ruso"),
    "es": ("spanish", "испанском", "espagnol", "español"),
}
_ONLY_FORMS = (
    "{0} only",
    "только на {1}",
    "{2} seulement",
    "sólo en {3}",
    "solo en {3}",
)
_ONLY_RE = {
    lang: re.compile("|".join(f.format(*names) for f in _ONLY_FORMS), re.IGNORECASE)
    for lang, names in _ONLY.items()
}


def only_languages(text: str) -> tuple[str, ...]:
    """The languages a corrigendum says it concerns alone (empty: all of them)."""
    return tuple(lang for lang, pattern in _ONLY_RE.items() if pattern.search(text))


#: The footnote of a document reissued for technical reasons, in the six languages.
_REISSUE = re.compile(
    r"reissued for technical reasons|переиздан\w* по техническим причинам"
    r"|повторно выпущен\w* по техническим причинам|nouveau tirage pour raisons techniques"
    r"|publié de nouveau pour raisons techniques|publicado nuevamente por razones técnicas"
    r"|nueva publicación por razones técnicas|أعيد إصدار\w* لأسباب فنية|因技术原因重新印发",
    re.IGNORECASE,
)
#: Words of those notes as the index holds their forms (``=word``), to find them.
REISSUE_WORDS = (
    "reissued", "переиздано", "переиздан", "переиздана", "переизданный", "выпущен",
    "выпущено", "tirage", "nuevamente", "publicación",
)  # fmt: skip


def is_reissue_note(text: str) -> bool:
    """Does ``text`` say that its document is reissued for technical reasons?"""
    return bool(_REISSUE.search(text))

"""Text quirks of converted UN documents, repaired before blocks are built.

- ``<<…>>`` (a conversion's stand-in for guillemets) becomes ``«…»``;
- `` -- `` between words becomes an en dash (`` – ``);
- U+2212 MINUS SIGN between digits (``1−13``) becomes an en dash, elsewhere ``-``;
- soft hyphens are removed, non-breaking and other odd spaces become spaces;
- text is NFC-normalised (decomposed ``й`` = ``и`` + U+0306 becomes one letter).

Latin look-alike letters inside Russian words (``cреду``) are left as written:
the analyzer folds them for matching, and hits show the text as printed.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"[\u00a0\u2007\u202f\u2009\u200a\u3000\t]")
_MINUS_RANGE = re.compile(r"(?<=\d)\s*\u2212\s*(?=\d)")


def clean(text: str) -> str:
    """Repair one line or block of text (see the module docstring)."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\u00ad", "").replace("\u200b", "").replace("\ufeff", "")
    text = _SPACES.sub(" ", text)
    text = text.replace("<<", "«").replace(">>", "»")
    text = text.replace(" -- ", " – ")
    text = _MINUS_RANGE.sub("–", text).replace("\u2212", "-")
    return re.sub(r" {2,}", " ", text).strip()


_PRINTED_NUMBER = re.compile(r"^(\d{1,4})\.\s+(?=\S)")


def printed_number(text: str) -> tuple[str | None, str]:
    """Split a paragraph number printed at the start of ``text`` (``"146. Такие…"``).

    Returns ``(number, rest)``, or ``(None, text)`` when no number is printed.
    Corpora that number paragraphs by their own ids (the UN Parallel Corpus)
    use this to cite the number a reader sees in the document instead.
    """
    match = _PRINTED_NUMBER.match(text)
    if not match:
        return None, text
    return match.group(1), text[match.end() :]

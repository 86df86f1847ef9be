"""How a searched name matches what the portal stores. Pure functions: no database, no Flask.

The rules, chosen for what a records officer answering a subject access request expects
(over-inclusive where a miss would mean an incomplete answer, but never "everyone called Ann"):

- Case, repeated spaces and the punctuation between words do not matter: "  ann   o'BRIEN "
  is the words `ann`, `o`, `brien`. Words are split at white space and at the punctuation
  found in names and lists (hyphen, apostrophes, full stop, comma, brackets, slash, @ and
  the like). Anything else, `%` and `_` included, is part of a word and matched literally.
- **Name fields** (a subject's full name and each stored alias, a family member's "referred
  to as", a journalist's name or email address, who received an inquiry): every searched
  word must begin a word of the stored name, in any order. "Ann Smith" finds "Ann Smith",
  "SMITH, Ann", "Ann B. Smith-Jones"; "Jo Ink" finds "Joanne Inkwell". The result says
  whether it was the **whole name** (the same words, in order, none shortened) or
  **partial**.
- **Free text** (agencies' summaries, the contact log, a journalist's question, notes): the
  searched words must appear together, in order, as whole words: "Ann Smith" finds "... met
  Ann Smith at ..." but not "Joann Smithers" nor "Ann spoke to Mr Smith".
- **Initials** (the family log names people by initials): "A.K.", "AK" or "A. K." match a
  searched name of two or more words by all its initials or its first and last. Marked
  "initials only": someone must check it is the same person.
- No sound-alike or accent folding ("Zoe" does not find "Zoë"): the person searching types
  the spellings, and the aliases stored on subjects found by their whole name are searched
  as well.

The database narrows the rows with `LOWER(column) LIKE pattern ESCAPE '\\'` (`like_fragment`,
a superset of these rules); the rules above then decide, in Python, on both engines alike.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import IntEnum

# White space and the punctuation that separates the parts of a name. `%` and `_` are not here:
# they are ordinary characters, so a search for "a%n" looks for exactly that.
SEPARATORS = re.compile(
    r"[\s\-\u2010-\u2015'\u2018\u2019\u02bc`\u00b4,.;:()\[\]{}\"\u201c\u201d/\\|&+@<>!?*#~=]+"
)
LIKE_SPECIALS = str.maketrans({"\\": "\\\\", "%": "\\%", "_": "\\_"})


class Strength(IntEnum):
    """How well a record matched; higher is better."""

    INITIALS = 1
    PARTIAL = 2
    MENTIONED = 3  # the whole name, in free text
    WHOLE_NAME = 4

    @property
    def label(self) -> str:
        return STRENGTH_LABELS[self]


STRENGTH_LABELS = {
    Strength.INITIALS: "Initials only",
    Strength.PARTIAL: "Partial name",
    Strength.MENTIONED: "Name mentioned",
    Strength.WHOLE_NAME: "Whole name",
}


@dataclass(frozen=True)
class Variant:
    """One spelling to search for: what was typed, and its words."""

    text: str
    words: tuple[str, ...]
    source: str  # "name", "alternative" or "stored alias"


def normalise(text: str) -> str:
    """Compatibility forms folded (full-width letters, ligatures), lower case, single spaces."""
    return " ".join(unicodedata.normalize("NFKC", text or "").lower().split())


def words(text: str) -> list[str]:
    return [word for word in SEPARATORS.split(normalise(text)) if word]


def has_control_characters(text: str, allow_newlines: bool = False) -> bool:
    allowed = "\r\n" if allow_newlines else ""
    return any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co") and ch not in allowed for ch in text)


def has_letter_or_digit(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def make_variants(spellings: list[tuple[str, str]]) -> list[Variant]:
    """(text, source) pairs as variants, in order, each set of words once."""
    seen: set[tuple[str, ...]] = set()
    variants = []
    for text, source in spellings:
        key = tuple(words(text))
        if key and key not in seen:
            seen.add(key)
            variants.append(Variant(" ".join(text.split()), key, source))
    return variants


def match_name(variant: Variant, stored: str) -> Strength | None:
    stored_words = words(stored)
    if _in_order(variant.words, stored_words):
        return Strength.WHOLE_NAME
    if all(any(word.startswith(searched) for word in stored_words) for searched in variant.words):
        return Strength.PARTIAL
    return None


def match_text(variant: Variant, text: str) -> Strength | None:
    return Strength.MENTIONED if _in_order(variant.words, words(text)) else None


def match_initials(variant: Variant, initials: str) -> Strength | None:
    if len(variant.words) < 2:
        return None
    letters = "".join(ch for ch in normalise(initials) if ch.isalnum())
    firsts = [word[0] for word in variant.words]
    if letters and letters in ("".join(firsts), firsts[0] + firsts[-1]):
        return Strength.INITIALS
    return None


def _in_order(needle: tuple[str, ...], haystack: list[str]) -> bool:
    size = len(needle)
    return any(tuple(haystack[i : i + size]) == needle for i in range(len(haystack) - size + 1))


def like_fragment(word: str, json_text: bool = False) -> str:
    """A LIKE pattern body (ESCAPE '\\') that every stored text containing `word` matches.

    Lower case on both sides. A letter outside ASCII becomes `%`, because SQLite's LOWER()
    folds only ASCII (and JSON text on SQLite holds it as an escape): the database keeps a few
    rows too many and match_name() decides. `%`, `_` and `\\` are escaped: never wildcards.
    In JSON text (`json_text`) SQLite writes every non-ASCII character as an escape, so each one
    becomes `%`. A word with nothing else left gives "": the database cannot narrow on it.
    """
    parts: list[str | None] = []  # None: a wildcard standing for one cased non-ASCII letter
    for ch in word:
        if ch.isascii():
            parts.append(ch.lower().translate(LIKE_SPECIALS))
        elif json_text or ch.lower() != ch.upper():  # a cased letter: SQLite may store it in the other case
            if parts and parts[-1] is None:
                continue
            parts.append(None)
        else:
            parts.append(ch)
    while parts and parts[0] is None:
        parts.pop(0)
    while parts and parts[-1] is None:
        parts.pop()
    return "".join("%" if part is None else part for part in parts)


def initials_fragment(variant: Variant) -> str | None:
    """A pattern for stored initials: the first and last initials, in order, with anything between."""
    if len(variant.words) < 2:
        return None
    return f"{like_fragment(variant.words[0][0])}%{like_fragment(variant.words[-1][0])}"

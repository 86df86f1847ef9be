"""The matching rules on their own (no database): the behaviour described in matching.py."""

from __future__ import annotations

import pytest

from portal.subject_access.matching import (
    Strength,
    initials_fragment,
    like_fragment,
    make_variants,
    match_initials,
    match_name,
    match_text,
    words,
)


def variant(text: str):
    [one] = make_variants([(text, "name")])
    return one


def test_words_ignore_case_spacing_and_punctuation_but_keep_percent_and_underscore():
    assert words("  ann   O'BRIEN-Smith ") == ["ann", "o", "brien", "smith"]
    assert words("SMITH, Ann (née Jones)") == ["smith", "ann", "née", "jones"]
    assert words("jo.inkwell@evening-post.example") == ["jo", "inkwell", "evening", "post", "example"]
    assert words("a%n b_c") == ["a%n", "b_c"]
    assert words("ＡＮＮ") == ["ann"]  # full-width letters fold


@pytest.mark.parametrize(
    "stored, expected",
    [
        ("Ann Smith", Strength.WHOLE_NAME),
        ("ANN SMITH (née Jones)", Strength.WHOLE_NAME),
        ("Smith, Ann", Strength.PARTIAL),
        ("Annie Smith-Jones", Strength.PARTIAL),
        ("Ann B. Smith", Strength.PARTIAL),
        ("Joann Smith", None),  # "ann" must start a word
        ("Ann Smythe", None),
        ("Ann", None),
    ],
)
def test_names_need_every_word_to_start_a_word(stored, expected):
    assert match_name(variant("Ann Smith"), stored) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("We met Ann Smith at the clinic.", True),
        ("we met ANN  SMITH.", True),
        ("Ann spoke to Mr Smith", False),
        ("Joann Smithers", False),
        ("Smith, Ann", False),
    ],
)
def test_free_text_needs_the_words_together_and_in_order(text, expected):
    assert bool(match_text(variant("Ann Smith"), text)) is expected


@pytest.mark.parametrize("stored", ["A.K.", "AK", "a. k.", "A.B.K."])
def test_initials_match_a_name_of_two_or_more_words(stored):
    assert match_initials(variant("Ann Beth Khan"), stored) == Strength.INITIALS
    assert match_initials(variant("Ann"), "A.") is None
    assert match_initials(variant("Ann Khan"), "K.A.") is None


def test_variants_are_deduplicated_by_their_words():
    found = make_variants(
        [("Ann Smith", "name"), ("ann  SMITH", "alternative"), ("Ann Smyth", "alternative")]
    )
    assert [v.text for v in found] == ["Ann Smith", "Ann Smyth"]
    assert make_variants([("%", "name"), ("  ", "alternative")])[0].words == ("%",)


def test_like_fragments_escape_wildcards_and_widen_only_for_letters_outside_ascii():
    assert like_fragment("a%n_b\\") == "a\\%n\\_b\\\\"
    assert like_fragment("ŁUCJA") == "ucja"  # Ł could be stored as ł: SQLite's LOWER() would not fold it
    assert like_fragment("żółć") == ""  # nothing left to narrow on
    assert like_fragment("zoë", json_text=True) == "zo"
    assert like_fragment("王伟") == "王伟"  # no case to fold
    assert like_fragment("王伟", json_text=True) == ""  # JSON text on SQLite holds an escape
    assert initials_fragment(variant("Ann Beth Khan")) == "a%k" and initials_fragment(variant("Ann")) is None

"""Disguised patient details: the engine reads them with the disguise undone, naming the words written."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from advocacy.compliance import ComplianceEngine, CompliancePolicy, Purpose
from advocacy.compliance.normalise import reading

ENGINE = ComplianceEngine(CompliancePolicy())


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("M R N 448812", "MRN 448812"),
        ("b@by j0hn in r00m four twelve", "baby john in room 412"),
        ("a ninety-one-year-old man", "a 91-year-old man"),
        ("bed seven", "bed 7"),
        ("room one hundred two", "room 102"),
        ('Bob "the Builder" Kaminski is back', "Bob Kaminski is back"),
        ("p\u0430tient in r.o.o.m 4", "patient in Room 4"),
    ],
)
def test_a_reading_undoes_the_disguise(text: str, read: str) -> None:
    plain = reading(text)
    assert plain is not None and plain.text == read


@pytest.mark.parametrize("text", ["the 2nd floor at 3pm", "Team of one. We won twice.", "COVID-19 and B12"])
def test_ordinary_texts_have_nothing_to_undo(text: str) -> None:
    assert reading(text) is None


@pytest.mark.parametrize(
    ("text", "rule", "words"),
    [
        ("Our p@tient in r00m 412 is doing great", "room_number", "r00m 412"),
        ("pt in bed four twelve asked for more jello", "room_number", "bed four twelve"),
        ("M R N 00482913 on the sticker lol", "medical_record_number", "M R N 00482913"),
        ('Our frequent flyer Bob "the Builder" Kaminski is back on the cardiac floor', "patient_name",
         'Bob "the Builder" Kaminski'),
        ("We treated a ninety-four-year-old grandma in the ER", "age", "ninety-four-year-old"),
    ],
)
def test_disguised_details_are_blocked_with_the_words_written(text: str, rule: str, words: str) -> None:
    found = {f.rule: f.words(text) for f in ENGINE.check(text, "x", Purpose.SUGGESTION) if f.blocks}
    assert found.get(rule) == words, found


@given(st.text(alphabet="ab01@ .-\"'M R N room four twelve", max_size=60))
def test_a_reading_maps_every_character_back_inside_the_text(text: str) -> None:
    plain = reading(text)
    if plain is not None:
        assert len(plain.origin) == len(plain.text) + 1
        for start in range(len(plain.text)):
            for end in range(start, len(plain.text) + 1):
                s, e = plain.span(start, end)
                assert 0 <= s <= e <= len(text)

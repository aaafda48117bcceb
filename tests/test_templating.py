"""Fragments: markup rendered once with slots, filled in per request."""

from __future__ import annotations

from advocacy.templating import Fragment, markup_bytes, slot


def test_a_fragment_fills_its_slots_in_order_and_keeps_its_own_percent_signs() -> None:
    made = Fragment.of(f'<a href="/x?q=a%20b">{slot("name")}</a> 100% {slot("count")} · done')
    filled = made.fill({"name": markup_bytes("<Ann & Bo>"), "count": b"3 %s"})
    assert filled.decode() == '<a href="/x?q=a%20b">&lt;Ann &amp; Bo&gt;</a> 100% 3 %s · done'


def test_a_value_is_put_in_once_even_when_it_looks_like_a_slot() -> None:
    made = Fragment.of(f"[{slot('a')}][{slot('b')}]")
    assert made.fill({"a": slot("b").encode(), "b": b"B"}) == f"[{slot('b')}][B]".encode()


def test_a_fragment_without_slots_is_its_markup() -> None:
    assert Fragment.of("<p>50% off</p>").fill({}) == b"<p>50% off</p>"

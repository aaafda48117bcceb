"""The templates' environment: layout whitespace dropped, blocks rendered alone, and fragments (markup
rendered once with slots, filled in per request)."""

from __future__ import annotations

from advocacy.templating import Fragment, block_markup, environment, markup_bytes, slot


def test_a_fragment_fills_its_slots_in_order_and_keeps_its_own_percent_signs() -> None:
    made = Fragment.of(f'<a href="/x?q=a%20b">{slot("name")}</a> 100% {slot("count")} · done')
    filled = made.fill({"name": markup_bytes("<Ann & Bo>"), "count": b"3 %s"})
    assert filled.decode() == '<a href="/x?q=a%20b">&lt;Ann &amp; Bo&gt;</a> 100% 3 %s · done'


def test_a_value_is_put_in_once_even_when_it_looks_like_a_slot() -> None:
    made = Fragment.of(f"[{slot('a')}][{slot('b')}]")
    assert made.fill({"a": slot("b").encode(), "b": b"B"}) == f"[{slot('b')}][B]".encode()


def test_a_fragment_without_slots_is_its_markup() -> None:
    assert Fragment.of("<p>50% off</p>").fill({}) == b"<p>50% off</p>"


def test_a_templates_own_indentation_goes_and_values_keep_every_character() -> None:
    template = environment.from_string("<ul>\n    <li>{{ a }}</li>  \n\n\t<li>{{ b }}</li>\n</ul>")
    assert template.render(a="x\n   y", b="  z  ") == "<ul>\n<li>x\n   y</li>\n\n<li>  z  </li>\n</ul>"


def test_blocks_render_alone_as_the_page_renders_them() -> None:
    context = {"cards": [], "page_error": "Gone <now>.", "sharing_blockers": [], "correction_notices": [],
               "accounts": [], "shares": []}
    page = environment.get_template("feed.html").render(context).encode()
    blocks = block_markup("feed.html", ("before_cards", "empty_state", "after_cards"), context)
    assert b"Gone &lt;now&gt;." in blocks["before_cards"] and b"No approved posts" in blocks["empty_state"]
    assert all(markup in page for markup in blocks.values())

"""The templates' environment: layout whitespace dropped, values kept as they are."""

from __future__ import annotations

from advocacy.templating import environment


def test_a_templates_own_indentation_goes_and_values_keep_every_character() -> None:
    template = environment.from_string("<ul>\n    <li>{{ a }}</li>  \n\n\t<li>{{ b }}</li>\n</ul>")
    assert template.render(a="x\n   y", b="  z  ") == "<ul>\n<li>x\n   y</li>\n\n<li>  z  </li>\n</ul>"

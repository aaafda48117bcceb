"""Segments are built from the names that exist: groups by name, departments as people have them,
and a rule that selects no one is held back with the near matches of what was mistyped."""

from __future__ import annotations

import httpx

from advocacy.clock import SimulatedClock
from advocacy.programme import segments
from advocacy.programme.models import Segment, SegmentCondition
from tests import factories
from tests.test_api import token_for
from tests.test_pages import element, sign_in, submit


async def test_a_group_condition_names_the_group(client: httpx.AsyncClient, clock: SimulatedClock) -> None:
    editor = await factories.create_user(clock, "editor")
    champions = await segments.create_group(clock, editor, "Wellness champions")
    member = await factories.create_user(clock, "ambassador")
    await segments.add_to_group(clock, editor, champions.id, [member.email])
    await sign_in(client, editor)

    page = await client.get("/programme/segments")
    assert '<option value="Wellness champions">1 person</option>' in element(page.text, "values-group")
    saved = await submit(client, "/programme/segments", "/programme/segments", {
        "name": "Champions", "match": "all", "kind_0": "group", "value_0": "wellness champions"})
    assert saved.status_code == 303
    segment = await Segment.get(name="Champions")
    assert [c.group_id for c in await SegmentCondition.filter(segment_id=segment.id)] == [champions.id]
    assert "all of: group: Wellness champions" in element((await client.get("/programme/segments")).text,
                                                           f"segment-{segment.id}")

    typo = await submit(client, "/programme/segments", "/programme/segments", {
        "name": "Typo", "match": "all", "kind_0": "group", "value_0": "Welness champion"})
    assert typo.status_code == 422
    assert "There is no group “Welness champion”. Did you mean “Wellness champions”?" in typo.text
    assert not await Segment.exists(name="Typo")


async def test_a_misspelt_department_is_held_back_with_its_near_match(
    client: httpx.AsyncClient, clock: SimulatedClock
) -> None:
    editor = await factories.create_user(clock, "editor")
    await factories.create_user(clock, "ambassador", department="Cardiology")
    await sign_in(client, editor)
    form = {"name": "Heart", "match": "all", "kind_0": "department", "value_0": "Cardiolgy"}

    held = await submit(client, "/programme/segments", "/programme/segments", form)
    assert held.status_code == 422
    warnings = element(held.text, "segment-warnings")
    assert "This rule selects 0 people now." in warnings
    assert "No ambassador is in the department “Cardiolgy”. Did you mean “Cardiology”?" in warnings
    assert not await Segment.exists(name="Heart")
    preview = await client.get("/programme/segments/preview", params={"kind_0": "department",
                                                                       "value_0": "Cardiolgy"})
    assert preview.json()["count"] == 0
    assert "Did you mean “Cardiology”?" in " ".join(preview.json()["warnings"])

    anyway = await submit(client, "/programme/segments", "/programme/segments",
                          {**form, "save_anyway": "yes"})
    assert anyway.status_code == 303
    assert "It selects 0 people now." in (await client.get("/programme/segments")).text
    # Typed in another case, a department is saved as people have it.
    fixed = await submit(client, "/programme/segments", "/programme/segments",
                         {**form, "name": "Heart team", "value_0": "CARDIOLOGY"})
    assert fixed.status_code == 303
    segment = await Segment.get(name="Heart team")
    assert [c.value for c in await SegmentCondition.filter(segment_id=segment.id)] == ["Cardiology"]


async def test_the_api_takes_a_group_by_name(client: httpx.AsyncClient, clock: SimulatedClock) -> None:
    editor, headers = await token_for(clock, "editor")
    await segments.create_group(clock, editor, "Wellness champions")
    made = await client.post("/api/v1/segments", headers=headers, json={
        "name": "Champions", "conditions": [{"kind": "group", "value": "Wellness champions"}]})
    assert made.status_code == 201 and made.json()["conditions"] == ["group: Wellness champions"]

"""HTML pages of the communications studio: campaigns, their content packs, review and launch."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from starlette.datastructures import FormData
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from advocacy.accounts.models import NETWORK_LABELS
from advocacy.api import path_int
from advocacy.auth import signed_in_user
from advocacy.compliance import Purpose
from advocacy.compliance.catalogue import RULE_LABELS as RULE_NAMES
from advocacy.compliance.current import compliance_engine
from advocacy.compliance.highlight import highlight
from advocacy.counting import counted
from advocacy.errors import DomainError, InvalidInput, NotFound
from advocacy.forms import form_text, whole_number
from advocacy.localtime import format_local, input_value, parse_local
from advocacy.notify.service import organisation_channels
from advocacy.programme.segments import (
    campaign_segment_ids,
    checked_segment_ids,
    segment_views,
    set_campaign_segments,
)
from advocacy.programme.targeting import audience_of
from advocacy.shares.readback import campaign_readback
from advocacy.state import AppRequest
from advocacy.templating import flash, render
from advocacy.users.models import User
from campaigns import overrides, post_edits, service
from campaigns.launch_plan import campaign_state, launch_plan
from campaigns.link_preview import LinkImage, LinkPreview, fetch_link_image, fetch_link_preview
from campaigns.models import Campaign, ContentPack, Correction, MessageVariant, Post, Revision
from campaigns.queries import message_with_pack, pictures_of
from campaigns.review_changes import changes_since_review
from campaigns.schemas import MAX_SPAN
from campaigns.text_limits import LIMITS, message_length

NETWORKS = tuple(NETWORK_LABELS.items())
DEFAULT_CAMPAIGN_DAYS = 14
# Messages are separated by an empty line, so one LinkedIn message may itself span several lines.
MESSAGE_SEPARATOR = re.compile(r"\n[ \t]*\n")


@dataclass
class CampaignForm:
    """The new-campaign form as typed, kept when it comes back with an error."""

    name: str = ""
    description: str = ""
    starts_at: str = ""
    ends_at: str = ""
    segment_ids: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, form: FormData) -> CampaignForm:
        return cls(
            name=form_text(form, "name"),
            description=form_text(form, "description"),
            starts_at=form_text(form, "starts_at"),
            ends_at=form_text(form, "ends_at"),
            segment_ids=[v for v in form.getlist("segment_id") if isinstance(v, str)],
        )


@dataclass
class PostForm:
    """The add-post form as typed, kept when it comes back with an error."""

    title: str = ""
    url: str = ""
    linkedin: str = ""
    x: str = ""
    fetch_preview: bool = False
    brand_ref_linkedin: str = ""
    brand_ref_x: str = ""

    @classmethod
    def of(cls, form: FormData) -> PostForm:
        return cls(
            title=form_text(form, "title"),
            url=form_text(form, "url"),
            linkedin=form_text(form, "messages_linkedin"),
            x=form_text(form, "messages_x"),
            fetch_preview=form_text(form, "fetch_preview") == "yes",
            brand_ref_linkedin=form_text(form, "brand_ref_linkedin"),
            brand_ref_x=form_text(form, "brand_ref_x"),
        )

    def messages(self) -> dict[str, list[str]]:
        return {"linkedin": split_messages(self.linkedin), "x": split_messages(self.x)}


def split_messages(block: str) -> list[str]:
    """The messages typed in one textarea: blocks separated by an empty line."""
    text = block.replace("\r\n", "\n").replace("\r", "\n")
    return [part.strip() for part in MESSAGE_SEPARATOR.split(text) if part.strip()]


def can_edit(user: User) -> bool:
    return user.role in service.EDITING_ROLES


def can_review(user: User) -> bool:
    return user.role in service.REVIEWING_ROLES


async def studio_page(
    request: AppRequest, *, status: int = 200, error: str | None = None, form: CampaignForm | None = None
) -> Response:
    user = signed_in_user(request)
    now = request.state["clock"].now()
    campaigns = await Campaign.all().order_by("-starts_at", "-id").prefetch_related("packs")
    return render(
        request,
        "studio.html",
        status=status,
        campaigns=campaigns,
        can_edit=can_edit(user),
        error=error,
        now=now,
        campaign_state=campaign_state,
        segment_choices=await segment_views(),
        form=form
        or CampaignForm(
            starts_at=input_value(now, user),
            ends_at=input_value(now + timedelta(days=DEFAULT_CAMPAIGN_DAYS), user),
        ),
    )


async def studio(request: AppRequest) -> Response:
    return await studio_page(request)


async def create_campaign(request: AppRequest) -> Response:
    user = signed_in_user(request)
    values = CampaignForm.of(await request.form())
    try:
        # Checked before the campaign exists, so a refused audience leaves nothing half-made.
        segment_ids = await checked_segment_ids(values.segment_ids)
        campaign = await service.create_campaign(
            request.state["clock"],
            user,
            name=values.name,
            description=values.description,
            starts_at=parse_local(values.starts_at, user, field="starts_at", label="start"),
            ends_at=parse_local(values.ends_at, user, field="ends_at", label="end"),
        )
        if segment_ids:
            await set_campaign_segments(request.state["clock"], user, campaign.id, segment_ids)
    except DomainError as error:
        return await studio_page(request, status=error.status_code, error=error.message, form=values)
    flash(request, f"Campaign “{campaign.name}” created. Add posts to its content pack, then submit it.")
    return RedirectResponse(f"/studio/campaigns/{campaign.id}", status_code=303)


async def campaign_page(
    request: AppRequest,
    campaign_id: int,
    *,
    status: int = 200,
    error: tuple[str, str] | None = None,
    post_form: tuple[int, PostForm] | None = None,
    review_note: str = "",
    compliance: list[dict[str, Any]] | None = None,
    override_reason: str = "",
) -> Response:
    """The campaign with its packs; `error` is (where, message), where names the form it belongs to.

    Every message is shown with its compliance findings marked inline (so the reviewer sees them);
    `compliance` holds the findings of messages that were refused, shown under the form."""
    user = signed_in_user(request)
    campaign, packs = await service.campaign_content(campaign_id)
    people_ids = {pack.author_id for pack in packs} | {  # type: ignore[attr-defined]
        pack.reviewer_id for pack in packs if pack.reviewer_id is not None  # type: ignore[attr-defined]
    }
    people = {person.id: person.name for person in await User.filter(id__in=people_ids)}
    pack_ids = [pack.id for pack in packs]
    corrections = await service.corrections_of(pack_ids)
    revisions: dict[int, list[Revision]] = {}
    for revision in await Revision.filter(pack_id__in=pack_ids).order_by("id"):
        revisions.setdefault(revision.pack_id, []).append(revision)  # type: ignore[attr-defined]
    people_ids |= {revision.author_id for items in revisions.values() for revision in items  # type: ignore[attr-defined]
                   if revision.author_id is not None}  # type: ignore[attr-defined]
    people = {person.id: person.name for person in await User.filter(id__in=people_ids)}
    readback = await campaign_readback(campaign_id) if campaign.launched_at else None
    engine = await compliance_engine(request)
    variants = [variant for pack in packs for post in pack.posts for variant in post.variants]
    pictures = await pictures_of([post.id for pack in packs for post in pack.posts])
    findings = await overrides.with_overrides({
        variant.id: [f.as_json() for f in engine.check(variant.text, variant.network, Purpose.SUGGESTION)]
        for variant in variants
    }, variants)
    return render(
        request,
        "campaign.html",
        status=status,
        campaign=campaign,
        now=request.state["clock"].now(),
        campaign_state=campaign_state,
        packs=packs,
        people=people,
        by_network=by_network,
        networks=NETWORKS,
        can_edit=can_edit(user),
        can_review=can_review(user),
        has_approved_pack=any(pack.status.value == "approved" for pack in packs),
        error_at=error[0] if error else None,
        error=error[1] if error else None,
        post_forms={post_form[0]: post_form[1]} if post_form else {},
        empty_post_form=PostForm(),
        review_note=review_note,
        findings=findings,
        pictures=pictures,
        refused=compliance or [],
        highlight=highlight,
        rule_names=RULE_NAMES,
        policy_version=engine.policy.version,
        override_reason=override_reason,
        corrections=corrections,
        revisions=revisions,
        since_review={pack.id: changes_since_review(pack, revisions.get(pack.id, [])) for pack in packs},
        readback=readback,
        # Targeting (advocacy/programme): which segments the campaign reaches, and how many people.
        segment_choices=await segment_views(),
        targeted=set(await campaign_segment_ids(campaign.id)),
        audience=await audience_of(campaign).count(),
    )


def by_network(variants: list[MessageVariant]) -> list[tuple[str, list[MessageVariant]]]:
    grouped: dict[str, list[MessageVariant]] = {}
    for variant in variants:
        grouped.setdefault(variant.network, []).append(variant)
    names = dict(NETWORKS)
    return [(names.get(network, network), grouped[network]) for network in sorted(grouped)]


async def campaign(request: AppRequest) -> Response:
    return await campaign_page(request, path_int(request, "campaign_id"))


PackAction = Callable[[User, ContentPack, FormData], Awaitable[str]]


async def on_pack(request: AppRequest, where: str, action: PackAction) -> Response:
    """Run one studio action on a pack; back to its campaign with a notice, or with the error inline."""
    user = signed_in_user(request)
    pack = await service.get_pack(path_int(request, "pack_id"))
    campaign_id: int = pack.campaign_id
    form = await request.form()
    try:
        notice = await action(user, pack, form)
    except DomainError as error:
        return await campaign_page(
            request,
            campaign_id,
            status=error.status_code,
            error=(f"{where}-{pack.id}", error.message),
            post_form=(pack.id, PostForm.of(form)) if where == "post" else None,
            review_note=form_text(form, "note"),
            compliance=error.details.get("compliance"),
        )
    flash(request, notice)
    return RedirectResponse(f"/studio/campaigns/{campaign_id}", status_code=303)


async def preview_with_picture(request: AppRequest, url: str) -> tuple[LinkPreview, LinkImage | None]:
    """The link's preview and its picture (None when the page names none), each fetched once, now.
    Neither ever stops the post from being added: what could not be read is only left out."""
    settings = request.state["settings"]
    http, allow_private = request.state["networks"].http, settings.link_preview_private_addresses
    preview = await fetch_link_preview(http, url, allow_private=allow_private)
    if not preview.image:
        return preview, None
    return preview, await fetch_link_image(http, preview.image, max_bytes=settings.link_image_max_bytes,
                                           allow_private=allow_private)


async def create_post(request: AppRequest) -> Response:
    async def add(user: User, pack: ContentPack, form: FormData) -> str:
        values = PostForm.of(form)
        preview, picture = None, None
        if values.fetch_preview and values.url.startswith(("http://", "https://")):
            preview, picture = await preview_with_picture(request, values.url)
        post = await service.add_post(
            request.state["clock"], user, pack.id, title=values.title, url=values.url,
            messages=values.messages(), compliance=await compliance_engine(request),
            brand_ref_linkedin=values.brand_ref_linkedin, brand_ref_x=values.brand_ref_x,
            link_preview=preview.as_dict() if preview else None, link_image=picture,
        )
        note = f" No link preview: {preview.problem}" if preview and preview.problem else ""
        if picture is not None and picture.problem:
            note += f" No picture: {picture.problem}"
        return f"Post “{post.title}” added to “{pack.title}”.{note}"

    return await on_pack(request, "post", add)


async def submit_pack(request: AppRequest) -> Response:
    async def submit(user: User, pack: ContentPack, form: FormData) -> str:
        await service.submit_pack(
            request.state["clock"], user, pack.id, compliance=await compliance_engine(request)
        )
        return f"“{pack.title}” is with the reviewers now."

    return await on_pack(request, "submit", submit)


async def review_pack(request: AppRequest) -> Response:
    async def review(user: User, pack: ContentPack, form: FormData) -> str:
        decision = form_text(form, "decision")
        if decision not in ("approve", "changes"):
            raise InvalidInput("Choose Approve or Request changes.", {"field": "decision"})
        await service.review_pack(
            request.state["clock"], user, pack.id, approve=decision == "approve",
            note=form_text(form, "note"),
            compliance=await compliance_engine(request),
        )
        if decision == "approve":
            return f"“{pack.title}” is approved and can be launched."
        return f"“{pack.title}” went back to its author with your note."

    return await on_pack(request, "review", review)


async def launch_confirm(request: AppRequest) -> Response:
    """The launch's confirmation step: who it reaches, which posts, the window, the brand posts."""
    user = signed_in_user(request)
    campaign_id = path_int(request, "campaign_id")
    clock = request.state["clock"]
    try:
        campaign = await service.launchable_campaign(clock, user, campaign_id)
    except DomainError as error:
        return await campaign_page(
            request, campaign_id, status=error.status_code, error=("launch", error.message)
        )
    return render(request, "launch.html", plan=await launch_plan(clock.now(), campaign))


async def launch_campaign(request: AppRequest) -> Response:
    user = signed_in_user(request)
    campaign_id = path_int(request, "campaign_id")
    if form_text(await request.form(), "confirm") != "yes":
        # Nothing is launched without the confirmation step's answer.
        return await launch_confirm(request)
    try:
        launched = await service.launch_campaign(
            request.state["clock"], user, campaign_id,
            organisation=organisation_channels(request.state["settings"]))
    except DomainError as error:
        return await campaign_page(
            request, campaign_id, status=error.status_code, error=("launch", error.message)
        )
    # After the launch committed, like the API: the brand's own posts are the baseline to compare
    # with; they go out now only when the campaign has started (otherwise at its start).
    brand_posts = await request.state["brand_publisher"].publish_campaign(launched.id)
    if launched.starts_at > request.state["clock"].now():
        brand = (f"it starts {format_local(launched.starts_at, user)}, when the brand channel posts "
                 "go out")
    else:
        brand = f"{counted(brand_posts, 'brand channel post')} went out"
    flash(request, f"“{launched.name}” is launched: its posts are in ambassadors' feeds, and {brand}.")
    return RedirectResponse(f"/studio/campaigns/{launched.id}", status_code=303)


async def check_messages(request: AppRequest) -> Response:
    """While the editor types: each message's length against its network's limit and its findings."""
    form = await request.form()
    network = form_text(form, "network")
    if network not in LIMITS:
        raise InvalidInput(f"Unknown network {network!r}.", {"field": "network"})
    engine = await compliance_engine(request)
    messages = []
    for text in split_messages(form_text(form, "text")):
        findings = engine.check(text, network, Purpose.SUGGESTION)
        messages.append({
            "length": message_length(network, text),
            "limit": LIMITS[network],
            "ok": not any(finding.blocks for finding in findings),
            "html": str(highlight(text, [finding.as_json() for finding in findings])),
            "findings": [
                {**finding.as_json(), "label": RULE_NAMES.get(finding.rule, finding.rule)}
                for finding in findings
            ],
        })
    return JSONResponse({"messages": messages, "policy_version": engine.policy.version})


async def archive_pack(request: AppRequest) -> Response:
    async def archive(user: User, pack: ContentPack, form: FormData) -> str:
        await service.archive_pack(request.state["clock"], user, pack.id)
        return f"“{pack.title}” is archived: it left the feed and its queued shares were cancelled."

    return await on_pack(request, "lifecycle", archive)


async def set_expiry(request: AppRequest) -> Response:
    async def expiry(user: User, pack: ContentPack, form: FormData) -> str:
        raw = form_text(form, "expires_at")
        moment = parse_local(raw, user, field="expires_at", label="expiry") if raw else None
        await service.set_pack_expiry(request.state["clock"], user, pack.id, moment)
        return f"“{pack.title}” now expires {'at the time you set' if moment else 'never'}."

    return await on_pack(request, "lifecycle", expiry)


async def feature_post(request: AppRequest) -> Response:
    user = signed_in_user(request)
    post = await Post.get_or_none(id=path_int(request, "post_id")).select_related("pack")
    if post is None:
        raise NotFound("There is no such post.")
    form = await request.form()
    featured = form_text(form, "featured") == "1"

    async def feature() -> str:
        await service.set_featured(request.state["clock"], user, post.id, featured)
        if featured:
            return f"“{post.title}” is featured: it comes first in ambassadors' feeds."
        return f"“{post.title}” is no longer featured."

    return await on_variant_action(request, post.pack.campaign_id, feature)


async def on_variant_action(
    request: AppRequest, campaign_id: int, action: Callable[[], Awaitable[str]]
) -> Response:
    """Run a correction action; back to the campaign with a notice, or with the error shown inline."""
    try:
        notice = await action()
    except DomainError as error:
        return await campaign_page(
            request, campaign_id, status=error.status_code, error=("correction", error.message),
            compliance=error.details.get("compliance"),
        )
    flash(request, notice)
    return RedirectResponse(f"/studio/campaigns/{campaign_id}", status_code=303)


async def propose_correction(request: AppRequest) -> Response:
    user = signed_in_user(request)
    variant_id = path_int(request, "variant_id")
    variant = await message_with_pack(variant_id)
    form = await request.form()

    async def propose() -> str:
        await service.propose_correction(
            request.state["clock"], user, variant.id, text=form_text(form, "text"),
            reason=form_text(form, "reason"), compliance=await compliance_engine(request),
        )
        return "The correction is waiting for a reviewer; the message keeps its approved text until then."

    return await on_variant_action(request, variant.post.pack.campaign_id, propose)


async def edit_message(request: AppRequest) -> Response:
    user = signed_in_user(request)
    variant_id = path_int(request, "variant_id")
    variant = await message_with_pack(variant_id)
    form = await request.form()

    async def edit() -> str:
        await service.edit_message(request.state["clock"], user, variant.id, text=form_text(form, "text"),
                                   compliance=await compliance_engine(request))
        return "The message is saved."

    return await on_variant_action(request, variant.post.pack.campaign_id, edit)


PostAction = Callable[[User, FormData], Awaitable[str]]


async def on_post(request: AppRequest, post_id: int, action: PostAction) -> Response:
    """Run one change to a draft post; back to it with a notice, or with the error shown on it."""
    post = await Post.get_or_none(id=post_id).select_related("pack")
    if post is None:
        raise NotFound("There is no such post.")
    campaign_id: int = post.pack.campaign_id
    form = await request.form()
    try:
        notice = await action(signed_in_user(request), form)
    except DomainError as error:
        return await campaign_page(request, campaign_id, status=error.status_code,
                                   error=(f"edit-p{post.id}", error.message),
                                   compliance=error.details.get("compliance"))
    flash(request, notice)
    return RedirectResponse(f"/studio/campaigns/{campaign_id}#pack-{post.pack.id}", status_code=303)


async def edit_post(request: AppRequest) -> Response:
    async def edit(user: User, form: FormData) -> str:
        post = await post_edits.edit_post(request.state["clock"], user, path_int(request, "post_id"),
                                          title=form_text(form, "title"), url=form_text(form, "url"))
        return f"Post “{post.title}” is saved."

    return await on_post(request, path_int(request, "post_id"), edit)


async def delete_post(request: AppRequest) -> Response:
    async def delete(user: User, form: FormData) -> str:
        post = await post_edits.delete_post(request.state["clock"], user, path_int(request, "post_id"))
        return f"Post “{post.title}” is deleted with its messages."

    return await on_post(request, path_int(request, "post_id"), delete)


async def add_message(request: AppRequest) -> Response:
    async def add(user: User, form: FormData) -> str:
        variant = await post_edits.add_message(
            request.state["clock"], user, path_int(request, "post_id"), network=form_text(form, "network"),
            text=form_text(form, "text"), compliance=await compliance_engine(request))
        return f"The {dict(NETWORKS).get(variant.network, variant.network)} message is added."

    return await on_post(request, path_int(request, "post_id"), add)


async def delete_message(request: AppRequest) -> Response:
    variant = await MessageVariant.get_or_none(id=path_int(request, "variant_id"))
    if variant is None:
        raise NotFound("There is no such message.")

    async def delete(user: User, form: FormData) -> str:
        await post_edits.delete_message(request.state["clock"], user, variant.id)
        return "The message is deleted."

    return await on_post(request, variant.post_id, delete)  # type: ignore[attr-defined]


async def review_correction(request: AppRequest) -> Response:
    user = signed_in_user(request)
    correction = await Correction.get_or_none(id=path_int(request, "correction_id")).select_related(
        "variant__post__pack"
    )
    if correction is None:
        raise NotFound("There is no such correction.")
    form = await request.form()

    async def review() -> str:
        decision = form_text(form, "decision")
        if decision not in ("approve", "reject"):
            raise InvalidInput("Choose Approve or Reject.", {"field": "decision"})
        await service.review_correction(
            request.state["clock"], user, correction.id, approve=decision == "approve",
            note=form_text(form, "note"), compliance=await compliance_engine(request),
            links=request.state["links"],
        )
        if decision == "approve":
            return "The correction is approved; ambassadors who shared the message are told."
        return "The correction is rejected."

    pack = correction.variant.post.pack
    return await on_variant_action(request, pack.campaign_id, review)


async def override_warning(request: AppRequest) -> Response:
    """A reviewer accepts one warning on a message, with their reason; refused inline otherwise."""
    variant_id = path_int(request, "variant_id")
    variant = await message_with_pack(variant_id)
    campaign_id: int = variant.post.pack.campaign_id
    form = await request.form()
    try:
        await overrides.override_warning(
            request.state["clock"], signed_in_user(request), variant.id, rule=form_text(form, "rule"),
            start=form_int(form, "start"), end=form_int(form, "end"), reason=form_text(form, "reason"),
            compliance=await compliance_engine(request),
        )
    except DomainError as error:
        return await campaign_page(request, campaign_id, status=error.status_code,
                                   error=(f"override-v{variant.id}", error.message),
                                   override_reason=form_text(form, "reason"))
    flash(request, "The warning is overridden; your reason is shown next to it.")
    return RedirectResponse(f"/studio/campaigns/{campaign_id}#variant-{variant.id}", status_code=303)


def form_int(form: FormData, name: str) -> int:
    number = whole_number(form_text(form, name), most=MAX_SPAN)
    if number is None:
        raise InvalidInput("The finding to override is not named properly: reload the page.", {"field": name})
    return number


routes = [
    Route("/studio", studio, methods=["GET"], name="studio"),
    Route("/studio/campaigns", create_campaign, methods=["POST"], name="studio-campaign-create"),
    Route("/studio/campaigns/{campaign_id:int}", campaign, methods=["GET"], name="studio-campaign"),
    Route("/studio/packs/{pack_id:int}/posts", create_post, methods=["POST"], name="studio-post-create"),
    Route("/studio/packs/{pack_id:int}/submit", submit_pack, methods=["POST"], name="studio-pack-submit"),
    Route("/studio/packs/{pack_id:int}/review", review_pack, methods=["POST"], name="studio-pack-review"),
    Route("/studio/posts/{post_id:int}/feature", feature_post, methods=["POST"], name="studio-post-feature"),
    Route("/studio/posts/{post_id:int}/edit", edit_post, methods=["POST"], name="studio-post-edit"),
    Route("/studio/posts/{post_id:int}/delete", delete_post, methods=["POST"], name="studio-post-delete"),
    Route("/studio/posts/{post_id:int}/messages", add_message, methods=["POST"],
          name="studio-message-create"),
    Route("/studio/messages/{variant_id:int}/delete", delete_message, methods=["POST"],
          name="studio-message-delete"),
    Route("/studio/check", check_messages, methods=["POST"], name="studio-check"),
    Route("/studio/messages/{variant_id:int}/overrides", override_warning, methods=["POST"],
          name="studio-finding-override"),
    Route("/studio/packs/{pack_id:int}/archive", archive_pack, methods=["POST"], name="studio-pack-archive"),
    Route("/studio/packs/{pack_id:int}/expiry", set_expiry, methods=["POST"], name="studio-pack-expiry"),
    Route("/studio/messages/{variant_id:int}/corrections", propose_correction, methods=["POST"],
          name="studio-correction-create"),
    Route("/studio/messages/{variant_id:int}/edit", edit_message, methods=["POST"],
          name="studio-message-edit"),
    Route("/studio/corrections/{correction_id:int}/review", review_correction, methods=["POST"],
          name="studio-correction-review"),
    Route("/studio/campaigns/{campaign_id:int}/launch", launch_confirm, methods=["GET"],
          name="studio-campaign-launch-confirm"),
    Route(
        "/studio/campaigns/{campaign_id:int}/launch",
        launch_campaign,
        methods=["POST"],
        name="studio-campaign-launch",
    ),
]

"""HTML pages of the programme: join, guidelines, training, leaving, and the admin's members and segments."""

from __future__ import annotations

from starlette.datastructures import FormData, UploadFile
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from advocacy.api import MAX_ID, path_int
from advocacy.auth import signed_in_user, start_session
from advocacy.errors import DomainError, InvalidInput, NotFound
from advocacy.forms import form_text, whole_number
from advocacy.programme import consent, guidelines, invitations, members, segments, training
from advocacy.programme.gate import sharing_blockers
from advocacy.programme.models import ConditionKind
from advocacy.state import AppRequest
from advocacy.templating import flash, render
from advocacy.users.models import User

DEFAULT_TITLE = "Social media guidelines"
CONDITION_SLOTS = 4  # condition rows the segment form offers at once


def _oidc_enabled(request: AppRequest) -> bool:
    return bool(request.state["settings"].oidc_issuer)


# --- joining ---------------------------------------------------------------------------------------

async def join(request: AppRequest, *, status: int = 200, error: str | None = None,
               ticked: bool = False) -> Response:
    token = request.path_params["token"]
    try:
        invitation = await invitations.invitation_for(request.state["clock"], token)
    except InvalidInput as problem:
        return render(request, "join.html", status=410, invalid=problem.message)
    return render(request, "join.html", status=status, token=token, person=invitation.user, error=error,
                  ticked=ticked, current=await guidelines.current_version(),
                  oidc=_oidc_enabled(request))


async def join_submit(request: AppRequest) -> Response:
    form = await request.form()
    ticked = form_text(form, "opt_in") == "yes"
    try:
        user = await invitations.accept(
            request.state["clock"], request.path_params["token"], password=form_text(form, "password"),
            password_again=form_text(form, "password_again"), opt_in=ticked,
            password_required=not _oidc_enabled(request))
    except InvalidInput as error:
        return await join(request, status=400, error=error.message, ticked=ticked)
    if user.password_hash.startswith("!"):
        flash(request, "Welcome to the programme! Sign in with your organisation account to start.")
        return RedirectResponse("/login", status_code=303)
    start_session(request, user)
    flash(request, "Welcome to the programme! Read the guidelines, then pick your first post.")
    return RedirectResponse("/guidelines", status_code=303)


# --- guidelines ------------------------------------------------------------------------------------

async def guidelines_page(request: AppRequest, *, status: int = 200, error: str | None = None) -> Response:
    user = signed_in_user(request)
    current = await guidelines.current_version()
    seen = await guidelines.acknowledged_version(user)
    return render(request, "guidelines.html", status=status, current=current, seen=seen, error=error,
                  body=guidelines.render_text(current.body) if current else None,
                  history=await guidelines.versions())


async def guidelines_view(request: AppRequest) -> Response:
    return await guidelines_page(request)


async def guidelines_acknowledge(request: AppRequest) -> Response:
    form = await request.form()
    version = form_text(form, "version").strip()
    try:
        number = whole_number(version, least=1, most=MAX_ID)
        if number is None:
            raise InvalidInput("Reload the page and acknowledge the version shown.")
        await guidelines.acknowledge(request.state["clock"], signed_in_user(request), number)
    except DomainError as error:
        return await guidelines_page(request, status=error.status_code, error=error.message)
    flash(request, "Thank you: you acknowledged the guidelines.")
    return RedirectResponse("/feed", status_code=303)


async def guidelines_edit(request: AppRequest, *, status: int = 200, error: str | None = None,
                          title: str | None = None, body: str | None = None) -> Response:
    current = await guidelines.current_version()
    return render(request, "guidelines_edit.html", status=status, error=error, current=current,
                  title=title if title is not None else (current.title if current else DEFAULT_TITLE),
                  body=body if body is not None else (current.body if current else ""))


async def guidelines_edit_view(request: AppRequest) -> Response:
    return await guidelines_edit(request)


async def guidelines_publish(request: AppRequest) -> Response:
    form = await request.form()
    title, body = form_text(form, "title"), form_text(form, "body")
    try:
        created = await guidelines.publish_version(request.state["clock"], signed_in_user(request),
                                                   title=title, body=body)
    except DomainError as error:
        return await guidelines_edit(request, status=error.status_code, error=error.message, title=title,
                                     body=body)
    flash(request, f"Version {created.version} is published. Ambassadors acknowledge it before their "
                   "next share.")
    return RedirectResponse("/guidelines", status_code=303)


# --- training --------------------------------------------------------------------------------------

async def training_list(request: AppRequest) -> Response:
    user = signed_in_user(request)
    return render(request, "training.html", modules=await training.modules(),
                  done=await training.completed_ids(user))


async def training_module(request: AppRequest) -> Response:
    user = signed_in_user(request)
    found = await training.module(path_int(request, "module_id"))
    return render(request, "training_module.html", module=found,
                  body=guidelines.render_text(found.body),
                  done=found.id in await training.completed_ids(user))


async def training_complete(request: AppRequest) -> Response:
    found = await training.module(path_int(request, "module_id"))
    await training.complete(request.state["clock"], signed_in_user(request), found.id)
    flash(request, f"“{found.title}” is complete.")
    return RedirectResponse("/training", status_code=303)


async def training_required(request: AppRequest) -> Response:
    form = await request.form()
    found = await training.set_required(request.state["clock"], signed_in_user(request),
                                        path_int(request, "module_id"), form_text(form, "required") == "yes")
    flash(request, f"“{found.title}” is {'now required before sharing' if found.required else 'optional'}.")
    return RedirectResponse("/training", status_code=303)


# --- my membership ---------------------------------------------------------------------------------

async def my_programme(request: AppRequest) -> Response:
    user = signed_in_user(request)
    return render(request, "my_programme.html", status_name=members.status_of(user),
                  history=await consent.consent_history(user), blockers=await sharing_blockers(user),
                  current=await guidelines.current_version())


async def my_programme_leave(request: AppRequest) -> Response:
    user = signed_in_user(request)
    outcome = await consent.opt_out(request.state["clock"], user, request.state["networks"])
    cancelled = len(outcome.cancelled_share_ids)
    flash(request, "You left the programme. "
                   + (f"{cancelled} waiting share{'s were' if cancelled != 1 else ' was'} cancelled; "
                      if cancelled else "")
                   + "your accounts are disconnected. You can rejoin whenever you like.")
    return RedirectResponse("/me/programme", status_code=303)


async def my_programme_rejoin(request: AppRequest) -> Response:
    if form_text(await request.form(), "opt_in") != "yes":
        flash(request, "Nothing changed: tick the box to say you choose to join.")
        return RedirectResponse("/me/programme", status_code=303)
    await consent.opt_in(request.state["clock"], signed_in_user(request))
    flash(request, "Welcome back! Reconnect an account to share again.")
    return RedirectResponse("/me/programme", status_code=303)


async def my_programme_deidentify(request: AppRequest) -> Response:
    form = await request.form()
    if form_text(form, "confirm") != "yes":
        flash(request, "Nothing changed: tick the box to confirm the de-identification.")
        return RedirectResponse("/me/programme", status_code=303)
    await consent.deidentify(request.state["clock"], signed_in_user(request), request.state["networks"])
    request.session.clear()
    flash(request, "Your name and email were removed. Your account is closed.")
    return RedirectResponse("/login", status_code=303)


# --- programme admin -------------------------------------------------------------------------------

async def programme_page(request: AppRequest, *, status: int = 200, error: str | None = None,
                         entered: dict[str, str] | None = None,
                         imported: invitations.ImportOutcome | None = None, outbox_note: str = "",
                         join_link: tuple[User, str] | None = None) -> Response:
    wanted = request.query_params.get("status", "")
    wanted = wanted if wanted in members.STATUS_FILTERS else ""
    raw_page = request.query_params.get("page", "1")
    page = whole_number(raw_page, least=1, most=999_999) or 1
    rows, counts = await members.member_rows(wanted, page)
    pages = max(1, -(-counts[wanted] // members.PAGE_SIZE))
    return render(request, "programme.html", status=status, rows=rows, counts=counts, error=error,
                  entered=entered or {}, imported=imported, wanted=wanted,
                  statuses=list(members.STATUS_FILTERS), page=page, pages=pages,
                  outbox_note=outbox_note, join_link=join_link,
                  invitation_days=request.state["settings"].invitation_days)


async def programme_view(request: AppRequest) -> Response:
    return await programme_page(request)


async def programme_invite(request: AppRequest) -> Response:
    form = await request.form()
    fields = ("email", "name", "department", "region", "timezone", "manager_email")
    entered = {name: form_text(form, name) for name in fields}
    actor = signed_in_user(request)
    settings = request.state["settings"]
    try:
        user, token = await invitations.invite(request.state["clock"], settings, actor,
                                               invitations.Invitee(**entered))
    except DomainError as error:
        return await programme_page(request, status=error.status_code, error=error.message, entered=entered)
    await invitations.queue_invitation(request.state["clock"], settings, user, token, actor)
    flash(request, f"{user.email} is invited: {_outbox_note(request)} You can also copy their join "
                   "link from the members list.")
    return RedirectResponse("/programme", status_code=303)


def _outbox_note(request: AppRequest) -> str:
    if request.state["settings"].notify_send:
        return "the email is in the outbox and goes out within a minute."
    return "the email waits in the outbox (this server does not send email at the moment)."


async def programme_import(request: AppRequest) -> Response:
    form = await request.form()
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return await programme_page(request, status=400, error="Choose a CSV file to import.")
    data = await upload.read(invitations.MAX_IMPORT_BYTES + 1)
    actor = signed_in_user(request)
    settings = request.state["settings"]
    try:
        outcome = await invitations.import_csv(request.state["clock"], settings, actor, data)
    except InvalidInput as error:
        return await programme_page(request, status=400, error=error.message)
    if outcome.problems:
        return await programme_page(request, status=400, imported=outcome,
                                    error="Nothing was imported: fix the lines below and send the file "
                                          "again.")
    for user in outcome.invited:
        await invitations.queue_invitation(request.state["clock"], settings, user, outcome.tokens[user.id],
                                           actor)
    return await programme_page(request, status=201, imported=outcome, outbox_note=_outbox_note(request))


async def programme_join_link(request: AppRequest) -> Response:
    """A fresh join link for someone invited, shown to copy and hand over another way."""
    try:
        person, link = await invitations.fresh_join_link(
            request.state["clock"], request.state["settings"], signed_in_user(request),
            path_int(request, "user_id"))
    except DomainError as error:
        return await programme_page(request, status=error.status_code, error=error.message)
    return await programme_page(request, join_link=(person, link))


# --- segments --------------------------------------------------------------------------------------

async def segments_page(request: AppRequest, *, status: int = 200, error: str | None = None,
                        entered: dict[str, object] | None = None, warnings: list[str] | None = None,
                        ) -> Response:
    return render(request, "segments.html", status=status, error=error, warnings=warnings or [],
                  segments=await segments.segment_views(),
                  groups=await segments.groups_with_counts(), kinds=[k.value for k in ConditionKind],
                  slots=range(CONDITION_SLOTS), entered=entered or {},
                  members_total=await segments.programme_size(),
                  departments=await segments.known_values("department"),
                  regions=await segments.known_values("region"))


async def segments_view(request: AppRequest) -> Response:
    return await segments_page(request)


def _form_conditions(form: FormData) -> list[tuple[str, str]]:
    return [(form_text(form, f"kind_{i}"), form_text(form, f"value_{i}")) for i in range(CONDITION_SLOTS)]


async def segments_create(request: AppRequest) -> Response:
    form = await request.form()
    conditions = _form_conditions(form)
    entered: dict[str, object] = {"name": form_text(form, "name"), "match": form_text(form, "match"),
                                  "conditions": conditions}
    try:
        warnings = await segments.rule_warnings(*await segments.check_conditions(form_text(form, "match"),
                                                                                  conditions))
        if warnings and form_text(form, "save_anyway") != "yes":
            # Nothing is saved: the form comes back with why it selects no one and what was meant.
            return await segments_page(request, status=422, entered=entered, warnings=warnings)
        segment = await segments.save_segment(request.state["clock"], signed_in_user(request),
                                              name=form_text(form, "name"), match=form_text(form, "match"),
                                              conditions=conditions)
    except DomainError as error:
        # A group typed in the form that names none is a mistake in the form, shown with it (the
        # API answers 404: the id it was given names no record).
        status = 422 if isinstance(error, NotFound) else error.status_code
        return await segments_page(request, status=status, error=error.message, entered=entered)
    flash(request, f"Segment “{segment.name}” saved." + (" It selects 0 people now." if warnings else ""))
    return RedirectResponse("/programme/segments", status_code=303)


async def segments_delete(request: AppRequest) -> Response:
    try:
        await segments.delete_segment(request.state["clock"], signed_in_user(request),
                                      path_int(request, "segment_id"))
    except DomainError as error:
        return await segments_page(request, status=error.status_code, error=error.message)
    flash(request, "Segment deleted.")
    return RedirectResponse("/programme/segments", status_code=303)


async def segments_preview(request: AppRequest) -> Response:
    """The live count of the segment form: how many opted-in ambassadors a draft rule selects."""
    params = request.query_params
    raw = [(params.get(f"kind_{i}", ""), params.get(f"value_{i}", "")) for i in range(CONDITION_SLOTS)]
    try:
        match, conditions = await segments.check_conditions(params.get("match", "all"), raw)
    except (InvalidInput, NotFound) as error:
        return JSONResponse({"count": None, "error": error.message}, status_code=422)
    count = await segments.rule_query(match, conditions).count() if conditions else None
    return JSONResponse({"count": count, "error": None,
                         "warnings": await segments.rule_warnings(match, conditions) if count == 0 else []})


async def groups_create(request: AppRequest) -> Response:
    form = await request.form()
    try:
        group = await segments.create_group(request.state["clock"], signed_in_user(request),
                                            form_text(form, "group_name"))
    except DomainError as error:
        return await segments_page(request, status=error.status_code, error=error.message)
    flash(request, f"Group “{group.name}” created. Add people to it below.")
    return RedirectResponse("/programme/segments#groups", status_code=303)


async def groups_add(request: AppRequest) -> Response:
    form = await request.form()
    emails = form_text(form, "emails").replace(",", "\n").replace(";", "\n").split("\n")
    try:
        added, unknown = await segments.add_to_group(request.state["clock"], signed_in_user(request),
                                                     path_int(request, "group_id"), emails)
    except DomainError as error:
        return await segments_page(request, status=error.status_code, error=error.message)
    message = f"{added} {'person' if added == 1 else 'people'} added."
    if unknown:
        message += " No account for: " + ", ".join(unknown[:20]) + ("…" if len(unknown) > 20 else "") + "."
    flash(request, message)
    return RedirectResponse("/programme/segments#groups", status_code=303)


async def campaign_segments(request: AppRequest) -> Response:
    """The studio campaign page's targeting form: which segments the campaign reaches."""
    campaign_id = path_int(request, "campaign_id")
    form = await request.form()
    chosen = [value for value in form.getlist("segment_id") if isinstance(value, str)]
    try:
        await segments.set_campaign_segments(request.state["clock"], signed_in_user(request), campaign_id,
                                             await segments.checked_segment_ids(chosen))
    except DomainError as error:
        flash(request, error.message)
        return RedirectResponse(f"/studio/campaigns/{campaign_id}", status_code=303)
    flash(request, "Targeting saved." if chosen else "Targeting saved: every opted-in ambassador.")
    return RedirectResponse(f"/studio/campaigns/{campaign_id}", status_code=303)


routes = [
    Route("/join/{token}", join, methods=["GET"], name="join"),
    Route("/join/{token}", join_submit, methods=["POST"], name="join-submit"),
    Route("/guidelines", guidelines_view, methods=["GET"], name="guidelines"),
    Route("/guidelines/acknowledge", guidelines_acknowledge, methods=["POST"], name="guidelines-acknowledge"),
    Route("/admin/guidelines", guidelines_edit_view, methods=["GET"], name="guidelines-edit"),
    Route("/admin/guidelines", guidelines_publish, methods=["POST"], name="guidelines-publish"),
    Route("/training", training_list, methods=["GET"], name="training"),
    Route("/training/{module_id:int}", training_module, methods=["GET"], name="training-module"),
    Route("/training/{module_id:int}/complete", training_complete, methods=["POST"],
          name="training-complete"),
    Route("/training/{module_id:int}/required", training_required, methods=["POST"],
          name="training-required"),
    Route("/me/programme", my_programme, methods=["GET"], name="my-programme"),
    Route("/me/programme/leave", my_programme_leave, methods=["POST"], name="my-programme-leave"),
    Route("/me/programme/rejoin", my_programme_rejoin, methods=["POST"], name="my-programme-rejoin"),
    Route("/me/programme/deidentify", my_programme_deidentify, methods=["POST"],
          name="my-programme-deidentify"),
    Route("/programme", programme_view, methods=["GET"], name="programme"),
    Route("/programme/invite", programme_invite, methods=["POST"], name="programme-invite"),
    Route("/programme/import", programme_import, methods=["POST"], name="programme-import"),
    Route("/programme/members/{user_id:int}/join-link", programme_join_link, methods=["POST"],
          name="programme-join-link"),
    Route("/programme/segments", segments_view, methods=["GET"], name="segments"),
    Route("/programme/segments", segments_create, methods=["POST"], name="segments-create"),
    Route("/programme/segments/preview", segments_preview, methods=["GET"], name="segments-preview"),
    Route("/programme/segments/{segment_id:int}/delete", segments_delete, methods=["POST"],
          name="segments-delete"),
    Route("/programme/groups", groups_create, methods=["POST"], name="groups-create"),
    Route("/programme/groups/{group_id:int}/members", groups_add, methods=["POST"], name="groups-add"),
    Route("/studio/campaigns/{campaign_id:int}/segments", campaign_segments, methods=["POST"],
          name="studio-campaign-segments"),
]

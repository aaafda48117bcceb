"""The one declarative table of who may use each route, by route name.

Every route the application serves must appear here: `create_app` refuses to build an app with a
route that has no rule, so a new route can never be reachable by accident.
"""

from __future__ import annotations

from advocacy.users.models import Role

A, E, R, L, ADMIN = Role.AMBASSADOR, Role.EDITOR, Role.REVIEWER, Role.LEADER, Role.ADMIN
EVERYONE = frozenset(Role)
PUBLIC: frozenset[Role] = frozenset()  # an empty rule means: no sign-in needed

# Page forms that take no CSRF token, having another proof of intent: the secret in their own address
# (mail clients post to it with no session: RFC 8058 one-click unsubscribe), or the sender's
# signature (Slack's button presses, refused when it does not check out).
CSRF_EXEMPT = frozenset({"notifications-unsubscribe-confirm", "slack-interactions"})

ROUTE_ROLES: dict[str, frozenset[Role]] = {
    # open to anyone
    "healthz": PUBLIC,
    "static": PUBLIC,
    "static-plotly": PUBLIC,
    "static-plotly-bundle": PUBLIC,
    # the favicon, the web app manifest and the service worker: a browser fetches them signed out
    "favicon": PUBLIC,
    "web-manifest": PUBLIC,
    "service-worker": PUBLIC,
    "login": PUBLIC,
    "login-submit": PUBLIC,
    "login-oidc": PUBLIC,
    "login-oidc-callback": PUBLIC,
    "password-forgot": PUBLIC,
    "password-forgot-submit": PUBLIC,
    "password-reset": PUBLIC,
    "password-reset-submit": PUBLIC,
    "api-login": PUBLIC,
    "openapi": PUBLIC,
    "link-redirect": PUBLIC,  # people who follow a shared link are not signed in
    # the unsubscribe link in every notification email (a confirmation page, then one POST, which
    # mail clients may send themselves): the signed token names the person
    "notifications-unsubscribe": PUBLIC,
    "notifications-unsubscribe-confirm": PUBLIC,
    # the Slack app's button presses: Slack signs each request, and the endpoint refuses any whose
    # signature or timestamp does not check out (no session, so no CSRF token: see CSRF_EXEMPT)
    "slack-interactions": PUBLIC,
    # the Prometheus scrape: no session; the endpoint answers 404 unless ADVOCACY_METRICS_TOKEN is set,
    # and 401 to any request without that bearer token
    "metrics": PUBLIC,
    # any signed-in person
    "home": EVERYONE,
    "logout": EVERYONE,
    "api-me": EVERYONE,
    "api-compliance-check": EVERYONE,
    # posts' pictures, kept and served by the service (their address is the digest of their bytes)
    "media-image": EVERYONE,
    # the person's own profile, and personal API tokens: each person manages only their own
    "profile": EVERYONE,
    "tokens": EVERYONE,
    "tokens-create": EVERYONE,
    "tokens-revoke": EVERYONE,
    "api-tokens-list": EVERYONE,
    "api-tokens-create": EVERYONE,
    "api-tokens-revoke": EVERYONE,
    # notifications: each person reads their own and chooses their own channels and frequency
    "notifications": EVERYONE,
    "notifications-save": EVERYONE,
    "api-notifications-list": EVERYONE,
    "api-notification-preferences": EVERYONE,
    "api-notification-preferences-set": EVERYONE,
    # ambassadors
    "feed": frozenset({A, ADMIN}),
    "feed-share": frozenset({A, ADMIN}),
    "feed-cancel": frozenset({A, ADMIN}),
    # a one-tap share link from a notification: its page and its confirmation (the signed link
    # names its person; anyone else is refused by the page, not by this rule)
    "one-tap": frozenset({A, ADMIN}),
    "one-tap-confirm": frozenset({A, ADMIN}),
    "api-feed": frozenset({A, ADMIN}),
    # suggesting a link for colleagues to share: ambassadors of the programme (the service refuses
    # anyone who has not joined it)
    "feed-suggest": frozenset({A}),
    "api-suggestions-create": frozenset({A}),
    # and what became of their own suggestions (each person sees only theirs)
    "my-suggestions": frozenset({A}),
    "api-my-suggestions": frozenset({A}),
    # an ambassador's own connected accounts (the platforms redirect back to the callback)
    "accounts": frozenset({A, ADMIN}),
    "accounts-connect": frozenset({A, ADMIN}),
    "accounts-callback": frozenset({A, ADMIN}),
    "accounts-disconnect": frozenset({A, ADMIN}),
    "accounts-notice-dismiss": frozenset({A, ADMIN}),
    "api-accounts-list": frozenset({A, ADMIN}),
    "api-accounts-disconnect": frozenset({A, ADMIN}),
    "api-shares-list": frozenset({A, ADMIN}),
    "api-shares-create": frozenset({A, ADMIN}),
    "api-shares-cancel": frozenset({A, ADMIN}),
    "api-shares-move": frozenset({A, ADMIN}),
    "api-feed-counts": frozenset({A, ADMIN}),
    "api-preferences-get": frozenset({A, ADMIN}),
    "api-preferences-set": frozenset({A, ADMIN}),
    "feed-counts": frozenset({A, ADMIN}),
    "feed-move": frozenset({A, ADMIN}),
    "my-shares": frozenset({A, ADMIN}),
    "preferences": frozenset({A, ADMIN}),
    "preferences-save": frozenset({A, ADMIN}),
    # failed shares: an ambassador retries their own, editors and admins anyone's
    "api-shares-retry": frozenset({A, E, ADMIN}),
    # communications studio: editors compose and launch, reviewers approve
    "studio": frozenset({E, R, ADMIN}),
    "studio-campaign": frozenset({E, R, ADMIN}),
    "studio-campaign-create": frozenset({E, ADMIN}),
    "studio-post-create": frozenset({E, ADMIN}),
    "studio-pack-submit": frozenset({E, ADMIN}),
    "studio-pack-review": frozenset({R, ADMIN}),
    "studio-campaign-launch": frozenset({E, ADMIN}),
    "studio-campaign-launch-confirm": frozenset({E, ADMIN}),
    "studio-check": frozenset({E, R, ADMIN}),
    "studio-post-feature": frozenset({E, ADMIN}),
    "studio-pack-archive": frozenset({E, ADMIN}),
    "studio-pack-expiry": frozenset({E, ADMIN}),
    "studio-message-edit": frozenset({E, ADMIN}),
    "studio-message-create": frozenset({E, ADMIN}),
    "studio-message-delete": frozenset({E, ADMIN}),
    "studio-post-edit": frozenset({E, ADMIN}),
    "studio-post-delete": frozenset({E, ADMIN}),
    "studio-correction-create": frozenset({E, ADMIN}),
    "studio-correction-review": frozenset({R, ADMIN}),
    "studio-finding-override": frozenset({R, ADMIN}),
    # the newsroom import: editors subscribe feeds whose items become draft posts
    "studio-newsroom": frozenset({E, ADMIN}),
    "studio-newsroom-subscribe": frozenset({E, ADMIN}),
    "studio-newsroom-unsubscribe": frozenset({E, ADMIN}),
    "studio-newsroom-file": frozenset({E, ADMIN}),
    # the editors' inbox of ambassadors' suggestions: editors make posts of them or decline them
    "studio-suggestions": frozenset({E, ADMIN}),
    "studio-suggestion": frozenset({E, ADMIN}),
    "studio-suggestion-accept": frozenset({E, ADMIN}),
    "studio-suggestion-decline": frozenset({E, ADMIN}),
    "api-suggestions-list": frozenset({E, ADMIN}),
    "api-suggestions-accept": frozenset({E, ADMIN}),
    "api-suggestions-decline": frozenset({E, ADMIN}),
    "api-campaigns-list": frozenset({E, R, L, ADMIN}),
    "api-campaigns-get": frozenset({E, R, L, ADMIN}),
    "api-campaigns-create": frozenset({E, ADMIN}),
    "api-posts-create": frozenset({E, ADMIN}),
    "api-posts-edit": frozenset({E, ADMIN}),
    "api-posts-delete": frozenset({E, ADMIN}),
    "api-messages-create": frozenset({E, ADMIN}),
    "api-messages-delete": frozenset({E, ADMIN}),
    "api-posts-feature": frozenset({E, ADMIN}),
    "api-packs-submit": frozenset({E, ADMIN}),
    "api-packs-review": frozenset({R, ADMIN}),
    "api-findings-override": frozenset({R, ADMIN}),
    "api-campaigns-launch": frozenset({E, ADMIN}),
    # the people page: admins manage accounts (create, role, deactivate, reactivate, reset link)
    "people": frozenset({ADMIN}),
    "people-create": frozenset({ADMIN}),
    "people-role": frozenset({ADMIN}),
    "people-deactivate": frozenset({ADMIN}),
    "people-reactivate": frozenset({ADMIN}),
    "people-reset": frozenset({ADMIN}),
    # leadership dashboard
    "dashboard": frozenset({L, E, ADMIN}),
    "dashboard-csv": frozenset({L, E, ADMIN}),
    "dashboard-weekly": frozenset({L, E, ADMIN}),
    "dashboard-campaign": frozenset({L, E, ADMIN}),
    "dashboard-campaign-csv": frozenset({L, E, ADMIN}),
    # an ambassador's own results and leaderboard
    "my-results": frozenset({A, ADMIN}),
    "my-leaderboard-choice": frozenset({A, ADMIN}),
    "api-report": frozenset({L, E, ADMIN}),
    "api-dashboards-summary": frozenset({L, E, ADMIN}),
    "api-emv-formula": frozenset({L, E, ADMIN}),
    # what a result is worth is leadership's figure to set; what the programme cost, editors (who
    # often hold the programme's budget) and leaders enter
    "api-emv-formula-set": frozenset({L, ADMIN}),
    "api-costs-create": frozenset({L, E, ADMIN}),
    "dashboard-costs": frozenset({L, E, ADMIN}),
    "dashboard-costs-create": frozenset({L, E, ADMIN}),
    # people
    "api-users-create": frozenset({ADMIN}),
    # the programme: joining through an emailed link needs no sign-in (the token is the proof)
    "join": PUBLIC,
    "join-submit": PUBLIC,
    "guidelines": EVERYONE,
    "api-guidelines": EVERYONE,
    "guidelines-acknowledge": frozenset({A}),
    "api-guidelines-acknowledge": frozenset({A}),
    # guideline wording is an organisation policy: admins publish new versions
    "guidelines-edit": frozenset({ADMIN}),
    "guidelines-publish": frozenset({ADMIN}),
    # the compliance policy is an organisation policy too: admins save its versions
    "compliance-policy": frozenset({ADMIN}),
    "compliance-policy-save": frozenset({ADMIN}),
    "compliance-policy-try": frozenset({ADMIN}),
    "api-compliance-policy": frozenset({ADMIN}),
    "api-compliance-policy-save": frozenset({ADMIN}),
    "training": EVERYONE,
    "training-module": EVERYONE,
    "training-complete": frozenset({A}),
    "training-required": frozenset({ADMIN}),
    # each ambassador joins, leaves or de-identifies only themself
    "my-programme": frozenset({A}),
    "my-programme-leave": frozenset({A}),
    "my-programme-rejoin": frozenset({A}),
    "my-programme-deidentify": frozenset({A}),
    "api-my-programme": frozenset({A}),
    "api-my-programme-opt-out": frozenset({A}),
    "api-my-programme-opt-in": frozenset({A}),
    # the communications team runs the programme day to day: inviting (ambassadors only) and
    # segments are theirs as well as the admins'
    "programme": frozenset({E, ADMIN}),
    "programme-invite": frozenset({E, ADMIN}),
    "programme-import": frozenset({E, ADMIN}),
    "programme-join-link": frozenset({E, ADMIN}),
    "api-programme-invite": frozenset({E, ADMIN}),
    "api-programme-members": frozenset({E, ADMIN}),
    "segments": frozenset({E, ADMIN}),
    "segments-create": frozenset({E, ADMIN}),
    "segments-preview": frozenset({E, ADMIN}),
    "segments-delete": frozenset({E, ADMIN}),
    "groups-create": frozenset({E, ADMIN}),
    "groups-add": frozenset({E, ADMIN}),
    "api-segments-list": frozenset({E, ADMIN}),
    "api-segments-create": frozenset({E, ADMIN}),
    "studio-campaign-segments": frozenset({E, ADMIN}),
    "api-campaign-segments": frozenset({E, ADMIN}),
    # the operator status: parkings, token health, waiting shares (admins only)
    "status": frozenset({ADMIN}),
    "api-status": frozenset({ADMIN}),
    # the notification outbox: what failed and sending it again, admins only
    "notifications-outbox": frozenset({ADMIN}),
    "notifications-send-again": frozenset({ADMIN}),
    "api-notifications-outbox": frozenset({ADMIN}),
    "api-notifications-send-again": frozenset({ADMIN}),
    # the audit log: admins only
    "audit-log": frozenset({ADMIN}),
    "audit-export": frozenset({ADMIN}),
    "api-audit-list": frozenset({ADMIN}),
}


# Routes posted to by another service rather than a browser form: they carry that service's own
# request signature, which the endpoint checks, instead of the session's CSRF token.

def allowed(route_name: str, role: Role | None) -> bool:
    rule = ROUTE_ROLES[route_name]
    if not rule:
        return True
    return role is not None and role in rule

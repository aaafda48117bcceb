"""JSON API routes: my notifications and preferences; the outbox for admins."""

from __future__ import annotations

from starlette.responses import Response

from advocacy.api import ApiRoute, parse_body, parse_query, path_int, respond
from advocacy.auth import signed_in_user
from advocacy.notify import outbox, service
from advocacy.notify.channels import WEBHOOK_REFUSALS
from advocacy.notify.schemas import (
    DeliveryOut,
    NotificationOut,
    NotificationPreferencesIn,
    NotificationPreferencesOut,
    OutboxQuery,
)
from advocacy.state import AppRequest


async def list_notifications(request: AppRequest) -> Response:
    return respond([NotificationOut.of(n) for n in await service.inbox_of(signed_in_user(request))])


async def get_preferences(request: AppRequest) -> Response:
    preference = await service.preference_of(signed_in_user(request))
    addresses = service.WebhookAddresses.of(request.state["settings"], preference)
    return respond(NotificationPreferencesOut.of(preference, addresses))


async def set_preferences(request: AppRequest) -> Response:
    body = await parse_body(request, NotificationPreferencesIn)
    preference = await service.update_preferences(
        request.state["clock"], request.state["settings"], signed_in_user(request), **body.model_dump()
    )
    addresses = service.WebhookAddresses.of(request.state["settings"], preference)
    return respond(NotificationPreferencesOut.of(preference, addresses))


async def list_outbox(request: AppRequest) -> Response:
    query = parse_query(request, OutboxQuery)
    return respond([DeliveryOut.of(d) for d in await outbox.deliveries(query.status, query.limit)])


async def send_again(request: AppRequest) -> Response:
    delivery = await outbox.send_again(request.state["clock"], signed_in_user(request),
                                       path_int(request, "delivery_id"))
    return respond(DeliveryOut.of(delivery))


api_routes = [
    ApiRoute("/me/notifications", list_notifications, "GET", "api-notifications-list",
             "My latest notifications, newest first", response=NotificationOut, response_is_list=True,
             errors=(401, 403)),
    ApiRoute("/me/notification-preferences", get_preferences, "GET", "api-notification-preferences",
             "How I am notified: channels and frequency", response=NotificationPreferencesOut,
             errors=(401, 403)),
    ApiRoute("/me/notification-preferences", set_preferences, "PUT", "api-notification-preferences-set",
             "Choose my channels (email, my own Slack / Teams webhook) and frequency",
             body=NotificationPreferencesIn, response=NotificationPreferencesOut, errors=(401, 403, 422),
             refusals=WEBHOOK_REFUSALS),
    ApiRoute("/notifications/outbox", list_outbox, "GET", "api-notifications-outbox",
             "Deliveries of one status, or the failed and unconfirmed ones (admins)",
             query=OutboxQuery, response=DeliveryOut, response_is_list=True, errors=(401, 403, 422)),
    ApiRoute("/notifications/deliveries/{delivery_id:int}/send-again", send_again, "POST",
             "api-notifications-send-again", "Send a failed or unconfirmed delivery again (admins)",
             response=DeliveryOut, errors=(401, 403, 404, 409)),
]

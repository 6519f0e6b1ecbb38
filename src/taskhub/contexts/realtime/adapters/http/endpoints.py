"""The stream, the WebSocket and its tickets as routes.

The stream and the WebSocket are ordinary routes up to the moment they are accepted:
the pipeline authenticates (the WebSocket also by `?ticket=`), checks the viewer role,
and the handler validates the resume point and filters, so every refusal is a normal
problem+json answer. Accepting hands the connection to the process's hub through the
server's hook; under a server without one the answer is 501 `streaming_unavailable`.
"""

import logging
import uuid
from collections.abc import Sequence
from typing import Any

from websockets.datastructures import Headers
from websockets.http11 import Request
from websockets.server import ServerProtocol

from taskhub.contexts.realtime.adapters.http.query_params import STREAM_QUERY, WEBSOCKET_QUERY
from taskhub.contexts.realtime.adapters.http.schemas import TicketBody
from taskhub.contexts.realtime.adapters.streaming.connections import (
    AcceptedStream,
    WebSocketAccept,
)
from taskhub.contexts.realtime.adapters.streaming.hub import StreamHub
from taskhub.contexts.realtime.application.streams import StreamOpening
from taskhub.contexts.realtime.application.tickets import TicketDesk
from taskhub.platform.http.endpoints import Call, Endpoint, QueryCredential, Reply
from taskhub.platform.http.hand_off import StreamingUnavailable
from taskhub.platform.http.problems import BadRequest
from taskhub.platform.http.routes import Routes
from taskhub.shared_kernel.errors import ValidationFailed
from taskhub.shared_kernel.field_copy import fields_from
from taskhub.shared_kernel.roles import Role

MAX_CLIENT_MESSAGE_BYTES = 64 * 1024
# websockets logs every open and close at INFO; the request line is logged already.
_WEBSOCKET_LOG = logging.getLogger("taskhub.realtime.websocket")
_WEBSOCKET_LOG.setLevel(logging.WARNING)
_UNAVAILABLE = (
    "This server cannot keep a stream open: serve taskhub with `taskhub serve` or the "
    "gunicorn configuration in deploy/, over plain HTTP behind the load balancer."
)


def _last_event_id(call: Call[None]) -> uuid.UUID | None:
    """`Last-Event-ID` (what EventSource sends when it reconnects) wins over `?after=`,
    which a reconnecting EventSource repeats unchanged from its first URL."""
    header = call.headers.get("last-event-id")
    if header is None or not header.strip():
        after: uuid.UUID | None = call.query.get("after")
        return after
    try:
        return uuid.UUID(header.strip())
    except ValueError:
        raise ValidationFailed.single("Last-Event-ID", "must be an event id") from None


class RealtimeEndpoints:
    def __init__(self, *, opening: StreamOpening, tickets: TicketDesk, hub: StreamHub) -> None:
        self._opening = opening
        self._tickets = tickets
        self._hub = hub

    def issue_ticket(self, call: Call[None]) -> Reply:
        if call.credential is None:
            raise RuntimeError("the pipeline authenticated the caller without a credential")
        issued = self._tickets.issue(call.in_org, call.credential)
        return Reply(status=201, body=fields_from(TicketBody, issued))

    def _accept(self, call: Call[None], websocket: WebSocketAccept | None) -> Reply:
        start = self._opening.start(
            call.in_org.org_id, after=_last_event_id(call), types=call.query.get("types")
        )
        if call.hand_off is None or call.credential is None:
            raise StreamingUnavailable(_UNAVAILABLE)
        stream = AcceptedStream(
            org_id=call.in_org.org_id,
            credential=call.credential,
            position=start.position,
            filter=start.filter,
            request_id=call.origin.request_id,
            websocket=websocket,
        )
        hub = self._hub

        def take(sock: Any) -> None:
            hub.adopt(sock, stream)

        call.hand_off(take)
        return Reply(status=200)

    def stream_events(self, call: Call[None]) -> Reply:
        return self._accept(call, None)

    def open_websocket(self, call: Call[None]) -> Reply:
        headers = Headers()
        for name, value in call.headers.items():
            headers[name] = value
        protocol = ServerProtocol(max_size=MAX_CLIENT_MESSAGE_BYTES, logger=_WEBSOCKET_LOG)
        # The protocol reads the handshake itself, as it would from the socket: then its
        # parser stands after the request, at the first frame.
        protocol.receive_data(Request(path="/", headers=headers).serialize())
        received = protocol.events_received()
        request = received[0] if received else None
        if not isinstance(request, Request):
            raise BadRequest("The WebSocket handshake could not be read.")
        response = protocol.accept(request)
        if response.status_code != 101:
            raise BadRequest(
                "This route is a WebSocket: send GET with Upgrade: websocket, "
                "Connection: Upgrade, Sec-WebSocket-Key and Sec-WebSocket-Version: 13.",
                code="websocket_handshake_invalid",
            )
        return self._accept(call, WebSocketAccept(protocol=protocol, response=response))

    def endpoints(self) -> Sequence[Endpoint]:
        routes = Routes.in_org(tag="events")
        return [
            routes.post(
                "/events/tickets",
                handler=self.issue_ticket,
                name="issue_event_ticket",
                summary="A single-use ticket to open the WebSocket with",
                description=(
                    "For browsers, which cannot set headers on a WebSocket: valid 60 "
                    "seconds, once, at any serving process, for this organization; the "
                    "socket it opens acts as the credential that asked for it."
                ),
                role=Role.VIEWER,
                response=TicketBody,
                status=201,
                # The ticket names no resource of its own: it opens the socket.
                location="/events/ws",
                secret_in_response=True,
            ),
            routes.get(
                "/events/stream",
                handler=self.stream_events,
                name="stream_events",
                summary="The organization's events, live, as Server-Sent Events",
                description=(
                    "`id:` is the event id, `event:` its type, `data:` the event as the "
                    "feed shows it. Resume with `Last-Event-ID` (or `?after=`): nothing "
                    "lost, reordered or repeated. A `: ping` comment at least every 15 "
                    "seconds. The stream ends within 2 seconds when its credential dies or "
                    "its user leaves the organization. 501 under a server that cannot hand "
                    "connections off."
                ),
                role=Role.VIEWER,
                response_media_type="text/event-stream",
                query=STREAM_QUERY,
                errors=(410, 501),
            ),
            routes.get(
                "/events/ws",
                handler=self.open_websocket,
                name="open_event_websocket",
                summary="The organization's events, live, over WebSocket",
                description=(
                    "Authorization or `?ticket=`. Server messages "
                    '`{"type": "event", "event": {...}}`; client messages `subscribe` '
                    "(`types`, `project_ids`) and `resume` (`after`). A bad client "
                    'message is answered with `{"type": "error", ...}` and the socket '
                    "stays open; a binary message closes it with 1008. Close codes: "
                    "4410 resume point gone, 4401 credential dead, 4403 access lost."
                ),
                role=Role.VIEWER,
                query=WEBSOCKET_QUERY,
                errors=(400, 410, 501),
                query_credential=QueryCredential("ticket", self._tickets.redeem),
            ),
        ]

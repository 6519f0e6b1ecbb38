"""Response bodies of realtime's routes."""

import attrs


@attrs.frozen
class TicketBody:
    """A single-use ticket for `GET /events/ws?ticket=`, valid `expires_in` seconds."""

    ticket: str
    expires_in: int

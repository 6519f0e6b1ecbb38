"""Identifiers are UUIDs minted by the application, never by the database.

Minting ids in code lets an aggregate know its id before it is stored, so events
recorded while it is built can already name it.
"""

import uuid


def new_id() -> uuid.UUID:
    return uuid.uuid4()

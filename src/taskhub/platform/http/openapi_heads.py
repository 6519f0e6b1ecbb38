"""What the dispatcher adds to every route, added to the OpenAPI document the same way.

The dispatcher answers HEAD wherever it answers GET and puts `Location` on every 201
(`platform.http.dispatch`), without the routes declaring either; this derives both
from the document `build_document` made from those same routes, so the two cannot
disagree. A HEAD operation is its GET's: the same parameters, security and statuses,
with each response's headers but no content, and an `operationId` of the GET's plus
`_head` (operation ids are unique in a document).
"""

import copy
from typing import Any

_LOCATION = {
    "description": "The created resource's URL (a path on this server).",
    "schema": {"type": "string", "format": "uri-reference"},
}


def with_heads_and_locations(document: dict[str, Any]) -> dict[str, Any]:
    """The document with a `head` beside every `get` and `Location` on every 201."""
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            created = operation.get("responses", {}).get("201")
            if created is not None:
                created.setdefault("headers", {})["Location"] = _LOCATION
        get = operations.get("get")
        if get is not None and "head" not in operations:
            operations["head"] = _head_of(get)
    return document


def _head_of(get: dict[str, Any]) -> dict[str, Any]:
    head = copy.deepcopy(get)
    head["operationId"] = f"{get['operationId']}_head"
    head["summary"] = f"{get.get('summary', '')} (headers only)".strip()
    for response in head.get("responses", {}).values():
        response.pop("content", None)
    return head

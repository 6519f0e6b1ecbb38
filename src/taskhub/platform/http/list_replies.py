"""Lists on the wire: how a list request's paging is read and its answer written.

Every list shares one shape (`items`, `next_cursor`, `total` when asked, a `Link`
header to the next page), so the dispatch writes it in one place.
"""

import urllib.parse
from collections.abc import Mapping
from typing import Any

import falcon

from taskhub.platform.http.cursors import CursorCodec
from taskhub.platform.http.query import TOTAL
from taskhub.shared_kernel.pagination import DEFAULT_LIMIT, Page, PageRequest


def page_request(query: Mapping[str, Any], cursors: CursorCodec) -> PageRequest:
    cursor = query.get("cursor")
    return PageRequest(
        limit=query.get("limit", DEFAULT_LIMIT),
        after=cursors.decode(cursor) if cursor else None,
        with_total=query.get("include") == TOTAL,
    )


def page_document(page: Page[Any], items: list[Any], next_cursor: str | None, asked: bool) -> Any:
    """The list's body: `total` only when the request asked for it."""
    if not asked:
        return {"items": items, "next_cursor": next_cursor}
    if page.total is None:
        # Every list counts through `keyset_page` or `Page.map`; one that drops the
        # total is a bug the route-walking test catches, never a silent omission.
        raise RuntimeError("the list was asked for its total but did not count it")
    return {"items": items, "next_cursor": next_cursor, "total": page.total}


def next_link(req: falcon.Request, cursor: str) -> str:
    params = [(k, v) for k, v in urllib.parse.parse_qsl(req.query_string) if k != "cursor"]
    params.append(("cursor", cursor))
    return f'<{req.path}?{urllib.parse.urlencode(params)}>; rel="next"'

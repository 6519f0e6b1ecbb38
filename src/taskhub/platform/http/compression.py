"""gzip for large responses, when the client says it accepts it.

Lists of a hundred tasks and the OpenAPI document are tens of kilobytes of JSON that
gzip shrinks five- to tenfold; a 100-byte answer would only grow. So a body is
compressed when all of these hold: it is already whole in memory (`resp.data`; streamed
files are left alone, and a file's stored type is already what it is), its type is text
(JSON, problem+json, HTML, CSS, JavaScript), it is at least `MIN_BYTES`, the response
carries no `Content-Encoding` of its own, and `Accept-Encoding` accepts gzip (`q` above
0, by name or `*`). Every response whose body could have been compressed says
`Vary: Accept-Encoding`, compressed or not, so a cache never hands gzip to a client that
did not ask for it.

The `ETag` stays as it is: it names the resource's version, which is the same whatever
the coding, and both conditional paths (`If-None-Match` -> 304, `If-Match` -> 412) compare
versions, not bytes (ADR 0036). Responses are never range-served, so no byte offset can
point into the wrong coding.
"""

import gzip
import re

import falcon

MIN_BYTES = 1024
"""Smaller bodies go as they are: the gzip header and the CPU would cost more."""
LEVEL = 6

_COMPRESSIBLE = re.compile(
    r"^(?:application/(?:[\w.+-]+\+)?json|text/[\w.+-]+|application/javascript)\s*(?:;|$)",
    re.IGNORECASE,
)
_SKIPPED_STATUSES = frozenset({204, 206, 304})


def accepts_gzip(header: str | None) -> bool:
    """Whether an `Accept-Encoding` value admits gzip: named or `*`, with `q` above 0.

    An explicit `gzip;q=0` refuses it even when `*` is accepted (RFC 9110, 12.5.3).
    """
    if not header:
        return False
    named: float | None = None
    wildcard: float | None = None
    for item in header.split(","):
        coding, _, parameters = item.strip().partition(";")
        quality = _quality(parameters)
        coding = coding.strip().lower()
        if coding in ("gzip", "x-gzip"):
            named = quality
        elif coding == "*":
            wildcard = quality
    chosen = named if named is not None else wildcard
    return chosen is not None and chosen > 0


def _quality(parameters: str) -> float:
    for parameter in parameters.split(";"):
        name, _, value = parameter.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                return float(value.strip())
            except ValueError:
                return 0.0
    return 1.0


class GzipMiddleware:
    """Compresses eligible bodies last, after the handler and the error handlers ran."""

    def __init__(self, min_bytes: int = MIN_BYTES) -> None:
        self._min_bytes = min_bytes

    def process_response(
        self, req: falcon.Request, resp: falcon.Response, resource: object, req_succeeded: bool
    ) -> None:
        data = resp.data
        if (
            data is None
            or len(data) < self._min_bytes
            or resp.status_code in _SKIPPED_STATUSES
            or resp.get_header("Content-Encoding") is not None
            or not _COMPRESSIBLE.match(resp.content_type or "")
        ):
            return
        if "accept-encoding" not in (resp.get_header("Vary") or "").lower():
            resp.append_header("Vary", "Accept-Encoding")
        if not accepts_gzip(req.get_header("Accept-Encoding")):
            return
        resp.data = gzip.compress(data, compresslevel=LEVEL, mtime=0)
        resp.set_header("Content-Encoding", "gzip")

"""A webhook's target URL and the rules it must follow before anything is resolved."""

import ipaddress
import re
import urllib.parse

import attrs

from taskhub.contexts.integrations.domain.addresses import refusal
from taskhub.shared_kernel.errors import ValidationFailed

MAX_URL_LENGTH = 2048

HTTPS_URL_PATTERN = "[Hh][Tt][Tt][Pp][Ss]://[^\\u0000]*"
"""The default rule's scheme check, for `re.fullmatch`: the URL starts with its https
scheme (any case) and `//`, with nothing before it that `urlsplit` would strip. The
OpenAPI document declares it anchored; NUL never gets here (the HTTP layer refuses it)."""

HTTP_OR_HTTPS_URL_PATTERN = "[Hh][Tt][Tt][Pp][Ss]?://[^\\u0000]*"
"""The same with private targets allowed, which lifts the https rule."""

_HTTPS_URL = re.compile(HTTPS_URL_PATTERN)
_HTTP_OR_HTTPS_URL = re.compile(HTTP_OR_HTTPS_URL_PATTERN)


@attrs.frozen
class Target:
    url: str
    scheme: str
    host: str
    port: int
    path: str

    @property
    def literal_address(self) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
        try:
            return ipaddress.ip_address(self.host)
        except ValueError:
            return None


def parse_target(url: str, *, allow_private: bool, field: str = "url") -> Target:
    """Check the URL's shape: https (unless private targets are allowed), no user info,
    a host; a literal IP address is judged here, a name once it has been resolved."""

    def refuse(message: str) -> ValidationFailed:
        return ValidationFailed.single(field, message)

    if len(url) > MAX_URL_LENGTH:
        raise refuse(f"must be at most {MAX_URL_LENGTH} characters")
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError:
        raise refuse("must be a valid URL") from None
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http") or (scheme == "http" and not allow_private):
        raise refuse("must use https")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise refuse("must not carry user information")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise refuse("must name a host")
    if any(ch.isspace() for ch in url):
        raise refuse("must not contain whitespace")
    if not (_HTTP_OR_HTTPS_URL if allow_private else _HTTPS_URL).fullmatch(url):
        # What urlsplit forgave (a control character before the scheme, say) is refused.
        raise refuse("must use https")
    target = Target(
        url=url,
        scheme=scheme,
        host=host,
        port=port or (443 if scheme == "https" else 80),
        path=(parts.path or "/") + (f"?{parts.query}" if parts.query else ""),
    )
    literal = target.literal_address
    if literal is not None and not allow_private:
        reason = refusal(literal)
        if reason:
            raise refuse(f"must not point at {literal}: it {reason}")
    return target

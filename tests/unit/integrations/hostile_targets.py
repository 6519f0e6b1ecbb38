"""Webhook targets an attacker would try, and the ones a partner may use.

Shared by the policy's unit tests, the HTTP tests (422 on create and on PATCH) and the
connect-time tests (nothing ever reaches a listener on 127.0.0.1). `{port}` in a URL is
filled with the port of whatever listens locally, so a target that slipped through
would be caught connecting there.
"""

import attrs

PUBLIC_V4 = "93.184.215.14"
PUBLIC_V6 = "2606:2800:220:1:248:1893:25c8:1946"

# What the fake resolver answers: names an attacker controls, pointed where they like.
NAMES: dict[str, tuple[str, ...]] = {
    "public.partner.example": (PUBLIC_V4,),
    "dual.partner.example": (PUBLIC_V4, PUBLIC_V6),
    "localhost": ("127.0.0.1",),
    "loopback.partner.example": ("127.0.0.1",),
    "loopback6.partner.example": ("::1",),
    "metadata.partner.example": ("169.254.169.254",),
    "private.partner.example": ("10.1.2.3",),
    "shared.partner.example": ("100.64.0.1",),
    "mapped.partner.example": ("::ffff:127.0.0.1",),
    "nat64.partner.example": ("64:ff9b::a9fe:a9fe",),
    "sixtofour.partner.example": ("2002:7f00:1::",),
    "ula.partner.example": ("fd12::1",),
    "mixed.partner.example": (PUBLIC_V4, "10.0.0.1"),
    "mixed6.partner.example": (PUBLIC_V6, "::1"),
}


@attrs.frozen
class Hostile:
    """A target that must be refused, and what the refusal must say."""

    id: str
    url: str
    says: str  # the message, or a part of it that names the problem
    address: str = ""  # the address named, for a refused address

    def at(self, port: int) -> str:
        return self.url.format(port=port)


def _address(id_: str, host: str, address: str, reason: str) -> Hostile:
    return Hostile(
        id_,
        f"https://{host}:{{port}}/hook",
        f"must not point at {address}: it {reason}",
        address,
    )


def _name(id_: str, host: str, address: str, reason: str) -> Hostile:
    return Hostile(
        id_,
        f"https://{host}:{{port}}/hook",
        f"must not point at {address} ({host.lower()} resolves there): it {reason}",
        address,
    )


LOOPBACK = "is a loopback address"
PRIVATE = "is a private address"
LINK_LOCAL = "is a link-local address"

# Literal addresses, judged before anything is resolved.
HOSTILE_ADDRESSES = [
    _address("loopback", "127.0.0.1", "127.0.0.1", LOOPBACK),
    _address("loopback-top", "127.255.255.254", "127.255.255.254", LOOPBACK),
    _address("loopback-trailing-dot", "127.0.0.1.", "127.0.0.1", LOOPBACK),
    _address("loopback-v6", "[::1]", "::1", LOOPBACK),
    _address("private-10", "10.0.0.1", "10.0.0.1", PRIVATE),
    _address("private-10-top", "10.255.255.254", "10.255.255.254", PRIVATE),
    _address("private-172.16", "172.16.0.1", "172.16.0.1", PRIVATE),
    _address("private-172.31", "172.31.255.254", "172.31.255.254", PRIVATE),
    _address("private-192.168", "192.168.1.1", "192.168.1.1", PRIVATE),
    _address("cloud-metadata", "169.254.169.254", "169.254.169.254", LINK_LOCAL),
    _address("link-local-v6", "[fe80::1]", "fe80::1", LINK_LOCAL),
    _address("link-local-v6-zone", "[fe80::1%25eth0]", "fe80::1%25eth0", LINK_LOCAL),
    _address("shared", "100.64.0.1", "100.64.0.1", "is a shared address"),
    _address("shared-top", "100.127.255.254", "100.127.255.254", "is a shared address"),
    _address("multicast", "224.0.0.1", "224.0.0.1", "is a multicast address"),
    _address("multicast-ssdp", "239.255.255.250", "239.255.255.250", "is a multicast address"),
    _address("multicast-v6", "[ff02::1]", "ff02::1", "is a multicast address"),
    _address("unspecified", "0.0.0.0", "0.0.0.0", "is the unspecified address"),
    _address("unspecified-v6", "[::]", "::", "is the unspecified address"),
    _address("unique-local", "[fc00::1]", "fc00::1", PRIVATE),
    _address("unique-local-fd", "[fd12::1]", "fd12::1", PRIVATE),
    _address("discard-only-v6", "[100::1]", "100::1", "is a reserved address"),
    _address("siit-translated", "[::ffff:0:127.0.0.1]", "::ffff:0:7f00:1", "is a reserved address"),
    # IPv4 smuggled inside IPv6: unwrapped and judged as IPv4.
    _address(
        "v4-mapped-loopback",
        "[::ffff:127.0.0.1]",
        "::ffff:7f00:1",
        f"embeds 127.0.0.1, which {LOOPBACK}",
    ),
    _address(
        "v4-mapped-private",
        "[::ffff:10.0.0.1]",
        "::ffff:a00:1",
        f"embeds 10.0.0.1, which {PRIVATE}",
    ),
    _address(
        "v4-mapped-hex", "[::ffff:7f00:1]", "::ffff:7f00:1", f"embeds 127.0.0.1, which {LOOPBACK}"
    ),
    _address(
        "v4-mapped-metadata",
        "[::ffff:169.254.169.254]",
        "::ffff:a9fe:a9fe",
        f"embeds 169.254.169.254, which {LINK_LOCAL}",
    ),
    _address("v4-compatible", "[::127.0.0.1]", "::7f00:1", f"embeds 127.0.0.1, which {LOOPBACK}"),
    _address(
        "6to4-loopback", "[2002:7f00:1::]", "2002:7f00:1::", f"embeds 127.0.0.1, which {LOOPBACK}"
    ),
    _address("6to4-private", "[2002:a00:1::]", "2002:a00:1::", f"embeds 10.0.0.1, which {PRIVATE}"),
    _address(
        "6to4-metadata",
        "[2002:a9fe:a9fe::1]",
        "2002:a9fe:a9fe::1",
        f"embeds 169.254.169.254, which {LINK_LOCAL}",
    ),
    _address(
        "nat64-loopback",
        "[64:ff9b::7f00:1]",
        "64:ff9b::7f00:1",
        f"embeds 127.0.0.1, which {LOOPBACK}",
    ),
    _address(
        "nat64-metadata",
        "[64:ff9b::a9fe:a9fe]",
        "64:ff9b::a9fe:a9fe",
        f"embeds 169.254.169.254, which {LINK_LOCAL}",
    ),
    _address(
        "nat64-local-use",
        "[64:ff9b:1::a00:1]",
        "64:ff9b:1::a00:1",
        f"embeds 10.0.0.1, which {PRIVATE}",
    ),
    _address(
        "teredo-loopback",
        "[2001:0:4136:e378:8000:63bf:80ff:fffe]",
        "2001:0:4136:e378:8000:63bf:80ff:fffe",
        f"embeds 127.0.0.1, which {LOOPBACK}",
    ),
    _address(
        "teredo-private",
        "[2001:0:4136:e378:8000:63bf:f5ff:fffe]",
        "2001:0:4136:e378:8000:63bf:f5ff:fffe",
        f"embeds 10.0.0.1, which {PRIVATE}",
    ),
]

# Refused, but the reason the message gives is not the one that applies: the category
# test marks these (see test_targets.py); here only the address is checked.
MISNAMED_ADDRESSES = [
    _address("reserved-class-e", "240.0.0.1", "240.0.0.1", "is a reserved address"),
    _address("broadcast", "255.255.255.255", "255.255.255.255", "is a reserved address"),
    _address("documentation-1", "192.0.2.1", "192.0.2.1", "is a documentation address"),
    _address("documentation-2", "198.51.100.7", "198.51.100.7", "is a documentation address"),
    _address("documentation-3", "203.0.113.9", "203.0.113.9", "is a documentation address"),
    _address("documentation-v6", "[2001:db8::1]", "2001:db8::1", "is a documentation address"),
    _address("benchmarking", "198.18.0.1", "198.18.0.1", "is a benchmarking address"),
]

# Names whose resolution lands somewhere refused (the fake resolver's NAMES).
HOSTILE_NAMES = [
    _name("localhost", "localhost", "127.0.0.1", LOOPBACK),
    Hostile(
        "localhost-trailing-dot",
        "https://localhost.:{port}/hook",
        f"must not point at 127.0.0.1 (localhost resolves there): it {LOOPBACK}",
    ),
    _name("name-to-loopback", "loopback.partner.example", "127.0.0.1", LOOPBACK),
    _name("name-to-loopback-upper", "LOOPBACK.Partner.Example", "127.0.0.1", LOOPBACK),
    _name("name-to-loopback-v6", "loopback6.partner.example", "::1", LOOPBACK),
    _name("name-to-metadata", "metadata.partner.example", "169.254.169.254", LINK_LOCAL),
    _name("name-to-private", "private.partner.example", "10.1.2.3", PRIVATE),
    _name("name-to-shared", "shared.partner.example", "100.64.0.1", "is a shared address"),
    _name(
        "name-to-v4-mapped",
        "mapped.partner.example",
        "::ffff:7f00:1",
        f"embeds 127.0.0.1, which {LOOPBACK}",
    ),
    _name(
        "name-to-nat64",
        "nat64.partner.example",
        "64:ff9b::a9fe:a9fe",
        f"embeds 169.254.169.254, which {LINK_LOCAL}",
    ),
    _name(
        "name-to-6to4",
        "sixtofour.partner.example",
        "2002:7f00:1::",
        f"embeds 127.0.0.1, which {LOOPBACK}",
    ),
    _name("name-to-unique-local", "ula.partner.example", "fd12::1", PRIVATE),
    # One public address is not enough: every address the name has must be allowed.
    _name("name-public-and-private", "mixed.partner.example", "10.0.0.1", PRIVATE),
    _name("name-public-and-loopback-v6", "mixed6.partner.example", "::1", LOOPBACK),
]

# The URL's shape is wrong, whatever it points at.
HOSTILE_SHAPES = [
    Hostile("http", "http://public.partner.example:{port}/hook", "must use https"),
    Hostile("http-loopback", "http://127.0.0.1:{port}/hook", "must use https"),
    Hostile("ftp", "ftp://public.partner.example:{port}/hook", "must use https"),
    Hostile("gopher", "gopher://127.0.0.1:{port}/_hook", "must use https"),
    Hostile("file", "file:///etc/passwd", "must use https"),
    Hostile("javascript", "javascript:alert(1)", "must use https"),
    Hostile("scheme-relative", "//public.partner.example:{port}/hook", "must use https"),
    Hostile(
        "user-and-password",
        "https://user:pw@public.partner.example:{port}/hook",
        "must not carry user information",
    ),
    Hostile("user-only", "https://user@public.partner.example:{port}/hook", "must not carry user"),
    Hostile("empty-user-info", "https://@evil.example:{port}/hook", "must not carry user"),
    Hostile(
        "user-info-hiding-loopback",
        "https://public.partner.example@127.0.0.1:{port}/hook",
        "must not carry user information",
    ),
    Hostile(
        "backslash-user-info",
        "https://public.partner.example\\@127.0.0.1:{port}/hook",
        "must not carry user information",
    ),
    Hostile("no-host", "https:///hook", "must name a host"),
    Hostile("nothing-after-scheme", "https://", "must name a host"),
    Hostile("port-without-host", "https://:{port}/hook", "must name a host"),
    Hostile(
        "port-out-of-range", "https://public.partner.example:99999/hook", "must be a valid URL"
    ),
    Hostile("unclosed-bracket", "https://[::1:{port}/hook", "must be a valid URL"),
    Hostile("leading-space", " https://127.0.0.1:{port}/hook", "must not contain whitespace"),
    Hostile(
        "space-in-host", "https://public.partner .example:{port}/", "must not contain whitespace"
    ),
    Hostile(
        "space-in-path", "https://public.partner.example:{port}/a b", "must not contain whitespace"
    ),
    Hostile(
        "tab-in-host", "https://127.0.0.1\t.public.partner.example/", "must not contain whitespace"
    ),
    Hostile(
        "newline", "https://public.partner.example:{port}/\r\nX-Injected: 1", "must not contain"
    ),
    Hostile(
        "over-long",
        "https://public.partner.example:{port}/" + "a" * 2048,
        "must be at most 2048 characters",
    ),
]

# IPv4 written the ways inet_aton reads it (decimal, octal, hex, short, full-width). Not
# addresses to `ipaddress`, so they go to the resolver: the fake does not know them (they
# do not resolve); the system's resolves them to loopback (or 0.0.0.0), then refused.
NUMERIC_FORMS = [
    Hostile("decimal", "https://2130706433:{port}/hook", "127.0.0.1"),
    Hostile("hex-dotted", "https://0x7f.1:{port}/hook", "127.0.0.1"),
    Hostile("hex-whole", "https://0x7f000001:{port}/hook", "127.0.0.1"),
    Hostile("hex-every-part", "https://0x7f.0x0.0x0.0x1:{port}/hook", "127.0.0.1"),
    Hostile("octal-whole", "https://017700000001:{port}/hook", "127.0.0.1"),
    Hostile("octal-dotted", "https://0177.0.0.1:{port}/hook", "127.0.0.1"),
    Hostile("short-two-parts", "https://127.1:{port}/hook", "127.0.0.1"),
    Hostile("short-three-parts", "https://127.0.1:{port}/hook", "127.0.0.1"),
    Hostile("zero", "https://0:{port}/hook", "0.0.0.0"),
    Hostile(
        "full-width-digits",
        "https://\uff11\uff12\uff17.\uff10.\uff10.\uff11:{port}/hook",
        "127.0.0.1",
    ),
]

# Every target that must be refused when private targets are not allowed.
ALL_HOSTILE = HOSTILE_ADDRESSES + MISNAMED_ADDRESSES + HOSTILE_NAMES + HOSTILE_SHAPES

# Allowed: public addresses and names that resolve only to public addresses.
ALLOWED = [
    f"https://{PUBLIC_V4}/hook",
    f"https://[{PUBLIC_V6}]/hook",
    "https://public.partner.example/hook",
    "https://dual.partner.example/hook",
    "HTTPS://Public.Partner.Example:8443/in?source=taskhub",
    "https://public.partner.example./hook",
]

"""Which network addresses a webhook may reach: public unicast ones only.

Loopback, private, link-local, shared (100.64.0.0/10), multicast, unspecified and
reserved addresses are refused, and so is an IPv4 address smuggled inside an IPv6 one
(IPv4-mapped ::ffff:a.b.c.d, IPv4-compatible, 6to4 2002::/16, NAT64 64:ff9b::/96 and
64:ff9b:1::/48, Teredo 2001::/32): it is unwrapped and judged as IPv4.
"""

import ipaddress

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

_SHARED = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_SIXTOFOUR = ipaddress.ip_network("2002::/16")
_TEREDO = ipaddress.ip_network("2001::/32")
_DOCUMENTATION = (
    ipaddress.ip_network("192.0.2.0/24"),
    ipaddress.ip_network("198.51.100.0/24"),
    ipaddress.ip_network("203.0.113.0/24"),
    ipaddress.ip_network("2001:db8::/32"),
)
_BENCHMARKING = ipaddress.ip_network("198.18.0.0/15")


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 form carries, if it is one of the embedding schemes."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    for network in _NAT64:
        if address in network:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    packed = int(address)
    if packed >> 32 == 0 and packed > 1:  # IPv4-compatible ::a.b.c.d (deprecated)
        return ipaddress.IPv4Address(packed)
    return None


def refusal(address: Address) -> str | None:
    """Why the address may not be connected to, or None when it may."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = embedded_ipv4(address)
        if inner is not None:
            reason = refusal(inner)
            return f"embeds {inner}, which {reason}" if reason else None
        if address in _SIXTOFOUR or address in _TEREDO:
            return "is a tunnelling address"
    is_v4 = isinstance(address, ipaddress.IPv4Address)
    # The specific reasons first: Python's is_private also covers reserved and
    # documentation ranges, and a message should say what the address really is.
    checks = (
        (address.is_loopback, "is a loopback address"),
        (address.is_unspecified, "is the unspecified address"),
        (address.is_multicast, "is a multicast address"),
        (address.is_link_local, "is a link-local address"),
        (
            isinstance(address, ipaddress.IPv6Address) and address.is_site_local,
            "is a site-local address",
        ),
        (is_v4 and address in _SHARED, "is a shared address"),
        (any(address in net for net in _DOCUMENTATION), "is a documentation address"),
        (is_v4 and address in _BENCHMARKING, "is a benchmarking address"),
        (address.is_reserved, "is a reserved address"),
        (address.is_private, "is a private address"),
        (not address.is_global, "is not a public address"),
    )
    for refused, reason in checks:
        if refused:
            return reason
    return None

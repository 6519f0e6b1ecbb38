"""The client's address: the socket's, unless a trusted proxy vouches for another.

Only when the direct peer is one of `TASKHUB_TRUSTED_PROXIES` is `X-Forwarded-For`
read, from the right, skipping further trusted hops; so a client cannot pick its own
address (and dodge a per-IP limit) by sending the header itself.
"""

import ipaddress
from collections.abc import Sequence

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _trusted(address: str, proxies: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def client_ip(
    remote_addr: str | None, forwarded_for: str | None, proxies: Sequence[Network]
) -> str | None:
    if not remote_addr or not proxies or not _trusted(remote_addr, proxies):
        return remote_addr
    if not forwarded_for:
        return remote_addr
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return remote_addr
        if not _trusted(hop, proxies):
            return hop
    return hops[0] if hops else remote_addr

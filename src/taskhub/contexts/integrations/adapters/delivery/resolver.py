"""Name resolution with the system resolver."""

import ipaddress
import socket

from taskhub.contexts.integrations.application.ports import ResolutionFailed
from taskhub.contexts.integrations.domain.addresses import Address


class SystemResolver:
    def resolve(self, host: str, port: int) -> list[Address]:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError, OSError) as exc:
            raise ResolutionFailed(host) from exc
        seen: list[Address] = []
        for _family, _type, _proto, _name, sockaddr in infos:
            address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
            if address not in seen:
                seen.append(address)
        return seen

"""The client address cannot be chosen by the client."""

import ipaddress

from taskhub.platform.http.client_ip import client_ip

PROXIES = (ipaddress.ip_network("10.0.0.0/8"),)


def test_without_trusted_proxies_the_header_is_ignored() -> None:
    assert client_ip("203.0.113.5", "1.2.3.4", ()) == "203.0.113.5"


def test_a_header_from_an_untrusted_peer_is_ignored() -> None:
    assert client_ip("203.0.113.5", "1.2.3.4", PROXIES) == "203.0.113.5"


def test_a_trusted_proxy_is_believed_from_the_right() -> None:
    # The client forged "1.2.3.4"; the proxy appended the real address.
    assert client_ip("10.0.0.2", "1.2.3.4, 198.51.100.7", PROXIES) == "198.51.100.7"


def test_chains_of_trusted_proxies_are_skipped() -> None:
    assert client_ip("10.0.0.2", "198.51.100.7, 10.0.0.9", PROXIES) == "198.51.100.7"


def test_garbage_in_the_header_falls_back_to_the_peer() -> None:
    assert client_ip("10.0.0.2", "not-an-ip", PROXIES) == "10.0.0.2"
    assert client_ip("10.0.0.2", None, PROXIES) == "10.0.0.2"

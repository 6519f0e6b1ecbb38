"""The target policy: https, no user info, and only public addresses, names resolved.

API.md §Integrations: a target must not resolve to loopback, private, link-local,
shared, multicast, unspecified or reserved addresses, IPv4 embedded in IPv6 included;
`TASKHUB_WEBHOOK_ALLOW_PRIVATE` lifts the https and address rules, nothing else.
"""

import ipaddress

import pytest

from taskhub.contexts.integrations.adapters.delivery.resolver import SystemResolver
from taskhub.contexts.integrations.application.targets import TargetPolicy
from taskhub.contexts.integrations.application.testing.fakes import FakeAddressResolver
from taskhub.contexts.integrations.domain.target import MAX_URL_LENGTH
from taskhub.shared_kernel.errors import ValidationFailed
from tests.unit.integrations.hostile_targets import (
    ALL_HOSTILE,
    ALLOWED,
    HOSTILE_ADDRESSES,
    HOSTILE_NAMES,
    HOSTILE_SHAPES,
    MISNAMED_ADDRESSES,
    NAMES,
    NUMERIC_FORMS,
    PUBLIC_V4,
    PUBLIC_V6,
    Hostile,
)

PORT = 8443


def policy(*, allow_private: bool = False) -> TargetPolicy:
    return TargetPolicy(resolver=FakeAddressResolver(NAMES), allow_private=allow_private)


def refusal(target_policy: TargetPolicy, url: str) -> str:
    """The one message the policy refuses `url` with, on the field `url`."""
    with pytest.raises(ValidationFailed) as caught:
        target_policy.check(url)
    assert caught.value.code == "validation_error"
    (error,) = caught.value.errors
    assert error.field == "url"
    return error.message


def test_the_catalogue_is_broad() -> None:
    assert len(ALL_HOSTILE) + len(NUMERIC_FORMS) >= 40
    assert len({case.id for case in ALL_HOSTILE + NUMERIC_FORMS}) == len(
        ALL_HOSTILE + NUMERIC_FORMS
    )


@pytest.mark.parametrize("case", HOSTILE_ADDRESSES + HOSTILE_NAMES, ids=lambda c: c.id)
def test_a_refused_address_is_named_with_the_reason(case: Hostile) -> None:
    message = refusal(policy(), case.at(PORT))
    assert message == case.says


@pytest.mark.parametrize("case", HOSTILE_SHAPES, ids=lambda c: c.id)
def test_a_malformed_target_is_refused_saying_what_is_wrong(case: Hostile) -> None:
    assert case.says in refusal(policy(), case.at(PORT))


@pytest.mark.parametrize("case", MISNAMED_ADDRESSES, ids=lambda c: c.id)
def test_reserved_and_documentation_addresses_are_refused(case: Hostile) -> None:
    message = refusal(policy(), case.at(PORT))
    assert message.startswith(f"must not point at {case.address}: it is ")


@pytest.mark.parametrize("case", MISNAMED_ADDRESSES, ids=lambda c: c.id)
def test_reserved_and_documentation_addresses_are_called_what_they_are(case: Hostile) -> None:
    assert refusal(policy(), case.at(PORT)) == case.says


def test_site_local_ipv6_is_refused() -> None:
    assert "fec0::1" in refusal(policy(), "https://[fec0::1]/hook")


@pytest.mark.parametrize("case", NUMERIC_FORMS, ids=lambda c: c.id)
def test_numeric_ipv4_forms_are_not_taken_for_names_that_resolve(case: Hostile) -> None:
    # Not an address to ipaddress, so the name goes to the resolver, which knows nothing.
    host = case.at(PORT).split("//")[1].split(":")[0].lower()
    assert refusal(policy(), case.at(PORT)) == f"{host} does not resolve"


@pytest.mark.parametrize("case", NUMERIC_FORMS, ids=lambda c: c.id)
def test_numeric_ipv4_forms_through_the_system_resolver_are_refused(case: Hostile) -> None:
    # The system's resolver reads them as inet_aton does: loopback (or 0.0.0.0).
    system = TargetPolicy(resolver=SystemResolver(), allow_private=False)
    message = refusal(system, case.at(PORT))
    assert message.endswith("does not resolve") or message.startswith(
        f"must not point at {case.says} ("
    ), message


@pytest.mark.parametrize("url", ALLOWED)
def test_public_targets_are_allowed(url: str) -> None:
    target, addresses = policy().check(url)
    assert target.url == url
    assert target.scheme == "https"
    assert addresses
    assert all(address.is_global for address in addresses)


def test_an_allowed_target_keeps_every_address_its_name_has() -> None:
    target, addresses = policy().check("HTTPS://Dual.Partner.Example:8443/in?source=taskhub")
    assert (target.host, target.port, target.path) == (
        "dual.partner.example",
        8443,
        "/in?source=taskhub",
    )
    assert addresses == [ipaddress.ip_address(PUBLIC_V4), ipaddress.ip_address(PUBLIC_V6)]


def test_a_literal_address_is_not_resolved() -> None:
    resolver = FakeAddressResolver(NAMES)
    checked = TargetPolicy(resolver=resolver, allow_private=False)
    _, addresses = checked.check(f"https://[{PUBLIC_V6}]:9000/")
    assert addresses == [ipaddress.ip_address(PUBLIC_V6)]
    assert resolver.lookups == []


def test_a_name_that_resolves_to_nothing_is_refused() -> None:
    resolver = FakeAddressResolver({"empty.partner.example": ()})
    checked = TargetPolicy(resolver=resolver, allow_private=False)
    assert refusal(checked, "https://empty.partner.example/") == (
        "empty.partner.example does not resolve"
    )
    assert refusal(checked, "https://unknown.partner.example/") == (
        "unknown.partner.example does not resolve"
    )


def test_the_length_limit_is_exact() -> None:
    base = "https://public.partner.example/"
    longest = base + "a" * (MAX_URL_LENGTH - len(base))
    assert policy().check(longest)[0].url == longest
    assert refusal(policy(), longest + "a") == f"must be at most {MAX_URL_LENGTH} characters"


def test_the_field_name_is_the_callers() -> None:
    with pytest.raises(ValidationFailed) as caught:
        policy().check("https://127.0.0.1/", field="target")
    assert [e.field for e in caught.value.errors] == ["target"]


def test_private_targets_may_be_allowed_for_local_development() -> None:
    relaxed = policy(allow_private=True)
    target, addresses = relaxed.check("http://127.0.0.1:8080/hooks")
    assert (target.scheme, target.host, target.port, target.path) == (
        "http",
        "127.0.0.1",
        8080,
        "/hooks",
    )
    assert addresses == [ipaddress.ip_address("127.0.0.1")]
    assert relaxed.check("https://10.0.0.1/")[1] == [ipaddress.ip_address("10.0.0.1")]
    assert relaxed.check("http://localhost/")[0].port == 80
    assert relaxed.check("https://mixed.partner.example/")[1] == [
        ipaddress.ip_address(PUBLIC_V4),
        ipaddress.ip_address("10.0.0.1"),
    ]


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("ftp://127.0.0.1/", "must use https"),
        ("https://user:pw@127.0.0.1/", "must not carry user information"),
        ("http:///hook", "must name a host"),
        ("http://127.0.0.1/a b", "must not contain whitespace"),
        ("http://nowhere.partner.example/", "nowhere.partner.example does not resolve"),
    ],
)
def test_allowing_private_targets_lifts_only_the_https_and_address_rules(
    url: str, says: str
) -> None:
    assert says in refusal(policy(allow_private=True), url)

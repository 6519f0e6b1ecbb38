"""The scheme rule the document declares for webhook URLs is the one `parse_target` applies."""

import re

import pytest

from taskhub.contexts.integrations.domain.target import HTTPS_URL_PATTERN, parse_target
from taskhub.shared_kernel.errors import ValidationFailed

_DECLARED = re.compile(f"^{HTTPS_URL_PATTERN}$")


@pytest.mark.parametrize(
    "url",
    ["https://hooks.example.com/x", "HTTPS://hooks.example.com/", "hTtPs://93.184.216.34:8443/h"],
)
def test_a_url_the_pattern_takes_passes_the_scheme_rule(url: str) -> None:
    assert _DECLARED.search(url)
    assert parse_target(url, allow_private=False).scheme == "https"


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.com/x",
        "\x01https://hooks.example.com/x",  # urlsplit strips it; the rule does not
        "\x1fhttps://hooks.example.com/x",
        "https:hooks.example.com",
        "ftp://hooks.example.com/",
    ],
)
def test_a_url_the_pattern_refuses_is_refused(url: str) -> None:
    assert not _DECLARED.search(url)
    with pytest.raises(ValidationFailed):
        parse_target(url, allow_private=False)


def test_private_targets_allowed_also_take_http_and_nothing_else() -> None:
    assert parse_target("http://127.0.0.1:8080/h", allow_private=True).scheme == "http"
    with pytest.raises(ValidationFailed) as refused:
        parse_target("\x01http://127.0.0.1:8080/h", allow_private=True)
    assert [error.message for error in refused.value.errors] == ["must use https"]

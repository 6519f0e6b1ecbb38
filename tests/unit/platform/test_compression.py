"""Reading `Accept-Encoding`: gzip is used only when the client admits it."""

import pytest

from taskhub.platform.http.compression import accepts_gzip


@pytest.mark.parametrize(
    "header",
    ["gzip", "GZIP", "gzip, deflate, br", "br;q=1.0, gzip;q=0.8", "*", "br, *;q=0.1", "x-gzip"],
)
def test_accepted(header: str) -> None:
    assert accepts_gzip(header)


@pytest.mark.parametrize(
    "header",
    [None, "", "identity", "br", "gzip;q=0", "gzip; q=0.0", "*;q=0", "*, gzip;q=0", "gzip;q=x"],
)
def test_refused(header: str | None) -> None:
    assert not accepts_gzip(header)

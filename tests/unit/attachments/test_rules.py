"""Filenames as display text, sniffing, ranges and the download header."""

import pytest

from taskhub.contexts.attachments.adapters.storage.sniffing import MagicSniffer
from taskhub.contexts.attachments.domain.attachment import display_filename
from taskhub.platform.http.binary_replies import RangeNotSatisfiable, requested_range
from taskhub.platform.http.content_disposition import attachment_disposition


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\shot.png", "shot.png"),
        ("bell\x07\r\nname.txt", "bellname.txt"),
        ("..", "untitled"),
        ("   ", "untitled"),
        ("e\u0301.txt", "\u00e9.txt"),
        ("x" * 300, "x" * 255),
    ],
)
def test_display_filename(raw: str, shown: str) -> None:
    assert display_filename(raw) == shown


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(32), "image/png"),
        (b"%PDF-1.7\n", "application/pdf"),
        ("plain text, é".encode(), "text/plain"),
        ("cut é".encode()[:-1], "text/plain"),
        (b"\x00\x01binary", "application/octet-stream"),
        (b"", "application/octet-stream"),
    ],
)
def test_sniffing(head: bytes, kind: str) -> None:
    assert MagicSniffer().sniff(head) == kind


@pytest.mark.parametrize(
    ("header", "span"),
    [
        (None, None),
        ("bytes=0-9", (0, 9)),
        ("bytes=5-", (5, 99)),
        ("bytes=-10", (90, 99)),
        ("bytes=-500", (0, 99)),
        ("bytes=90-500", (90, 99)),
        ("bytes=0-1,5-6", None),
        ("items=0-1", None),
        ("bytes=9-3", None),
    ],
)
def test_ranges(header: str | None, span: tuple[int, int] | None) -> None:
    assert requested_range(header, 100) == span


@pytest.mark.parametrize("header", ["bytes=100-", "bytes=-0"])
def test_unsatisfiable_ranges(header: str) -> None:
    with pytest.raises(RangeNotSatisfiable):
        requested_range(header, 100)


def test_disposition_never_breaks_out_of_the_header() -> None:
    header = attachment_disposition('a";\r\nSet-Cookie: x=1 é.txt')
    assert "\r" not in header
    assert "\n" not in header
    assert header.startswith('attachment; filename="a__')
    assert header.endswith("filename*=UTF-8''a%22%3B%0D%0ASet-Cookie%3A%20x%3D1%20%C3%A9.txt")

"""What a file is, from its first bytes (`filetype`'s magic numbers), not from its name
or from what the client said; text that no signature matches is `text/plain` when it is
UTF-8 without NUL bytes, anything else `application/octet-stream`."""

import filetype

OCTET_STREAM = "application/octet-stream"


class MagicSniffer:
    def sniff(self, head: bytes) -> str:
        kind = filetype.guess(head)
        if kind is not None:
            return str(kind.mime)
        return "text/plain" if _looks_like_text(head) else OCTET_STREAM


def _looks_like_text(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # The head may end inside a character: only an error in its last 3 bytes is that.
        return error.start >= len(head) - 3 and error.reason == "unexpected end of data"
    return True

"""`Content-Disposition: attachment` for a name a client chose (RFC 6266, RFC 8187).

The name is display text: it goes percent-encoded in `filename*`, with an ASCII
fallback in `filename` whose quotes, backslashes and control characters are replaced,
so no name can break out of the header or make a browser render the content inline.
"""

import urllib.parse


def attachment_disposition(filename: str) -> str:
    fallback = "".join(
        ch if 0x20 <= ord(ch) < 0x7F and ch not in '"\\;' else "_" for ch in filename
    )
    encoded = urllib.parse.quote(filename, safe="")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"

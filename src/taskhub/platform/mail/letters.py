"""Emails written as template files, kept by the context that sends them.

A letter named `reset-password` is two files in the context's template folder:
`reset-password.txt`, whose first line is `Subject: ...` and whose body follows a blank
line, and `reset-password.html`. Both use `$name` placeholders (`string.Template`);
values are escaped for the HTML body. A placeholder without a value is an error at
composition, never a stray `$name` in someone's inbox.
"""

import html
from collections.abc import Mapping
from pathlib import Path
from string import Template

from taskhub.shared_kernel.mail import OutgoingMail


class FileLetters:
    def __init__(self, folder: Path) -> None:
        self._folder = folder

    def compose(self, letter: str, *, to: str, values: Mapping[str, str]) -> OutgoingMail:
        text_path = self._folder / f"{letter}.txt"
        html_path = self._folder / f"{letter}.html"
        if not text_path.is_file() or not html_path.is_file():
            raise KeyError(letter)
        head, _, body = text_path.read_text(encoding="utf-8").partition("\n\n")
        if not head.startswith("Subject:"):
            raise ValueError(f"{text_path.name}: the first line must be 'Subject: ...'")
        subject = Template(head.removeprefix("Subject:").strip()).substitute(values)
        escaped = {name: html.escape(value) for name, value in values.items()}
        return OutgoingMail(
            to=to,
            subject=" ".join(subject.split()),
            text=Template(body).substitute(values),
            html=Template(html_path.read_text(encoding="utf-8")).substitute(escaped),
        )

"""The process's log output, captured as it would reach stdout in production."""

import io
import json


class Stdout:
    """Stands in for `sys.stdout`: the JSON renderer writes bytes to `.buffer`."""

    def __init__(self) -> None:
        self.buffer = io.BytesIO()

    def text(self) -> str:
        return self.buffer.getvalue().decode()

    def lines(self) -> list[dict[str, object]]:
        return [json.loads(line) for line in self.buffer.getvalue().splitlines()]

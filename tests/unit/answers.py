"""An `AnswerCache` for one process: what the Redis one does, minus the channel."""

from collections.abc import Collection, Hashable


class MemoryAnswers:
    def __init__(self) -> None:
        self.answers: dict[Hashable, tuple[object, str]] = {}
        self.forgotten: list[set[str]] = []
        self._stamp = 0

    def recall(self, key: Hashable) -> object | None:
        entry = self.answers.get(key)
        return None if entry is None else entry[0]

    def stamp(self) -> int:
        return self._stamp

    def remember(self, key: Hashable, answer: object, *, scope: str, stamp: int) -> None:
        if stamp == self._stamp:
            self.answers[key] = (answer, scope)

    def forget(self, scopes: Collection[str]) -> None:
        self.forgotten.append(set(scopes))
        self._stamp += 1
        self.answers = {k: v for k, v in self.answers.items() if v[1] not in scopes}

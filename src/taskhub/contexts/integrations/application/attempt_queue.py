"""The order a dispatcher batch's attempts may start in, so that a 410 is the last word.

A batch holds the heads of many entities, often several for one webhook. Sent all at
once, a receiver that answers `410 Gone` would still get the others, after its answer.
So a webhook's first delivery in the batch goes alone; only once it was answered with
something other than 410 do the webhook's other deliveries become ready (and then go
side by side); and once any attempt of a webhook is answered 410, none of its
deliveries starts any more: they are handed back as not attempted.
"""

import threading
import uuid
from collections import deque
from collections.abc import Sequence

from taskhub.contexts.integrations.domain.delivery import Delivery
from taskhub.contexts.integrations.domain.webhook import Webhook


class AttemptQueue:
    def __init__(self, sendable: Sequence[tuple[Delivery, Webhook]]) -> None:
        self._waiting: dict[uuid.UUID, list[tuple[Delivery, Webhook]]] = {}
        ready: list[tuple[Delivery, Webhook]] = []
        for pair in sendable:
            webhook_id = pair[1].id
            if webhook_id in self._waiting:
                self._waiting[webhook_id].append(pair)
            else:
                self._waiting[webhook_id] = []
                ready.append(pair)
        self._ready = deque(ready)
        self._probing = {pair[1].id for pair in ready}
        self._gone: set[uuid.UUID] = set()
        self._skipped: list[Delivery] = []
        self._changed = threading.Condition()
        self.size = len(sendable)

    def take(self) -> tuple[Delivery, Webhook] | None:
        """The next delivery to attempt; waits while a webhook's first answer may still
        release more; None when nothing is left to start."""
        with self._changed:
            while True:
                while self._ready:
                    pair = self._ready.popleft()
                    if pair[1].id in self._gone:
                        self._skipped.append(pair[0])
                        continue
                    return pair
                if not self._probing:
                    return None
                self._changed.wait()

    def answered(self, webhook: Webhook, gone: bool) -> None:
        """Note an attempt's answer: a 410 stops the webhook, a first answer releases the
        rest of its deliveries."""
        with self._changed:
            if gone:
                self._gone.add(webhook.id)
            if webhook.id in self._probing:
                self._probing.discard(webhook.id)
                followers = self._waiting.pop(webhook.id, [])
                if gone:
                    self._skipped.extend(delivery for delivery, _webhook in followers)
                else:
                    self._ready.extend(followers)
            self._changed.notify_all()

    def skipped(self) -> list[Delivery]:
        """Deliveries not attempted because their webhook answered 410."""
        with self._changed:
            return list(self._skipped)

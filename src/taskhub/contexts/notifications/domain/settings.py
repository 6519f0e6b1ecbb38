"""A user's choice, per reason, of the channels that carry it. Everyone starts with every
reason on both channels; a reason switched off on both is not stored as a notification."""

from collections.abc import Mapping

import attrs

from taskhub.contexts.notifications.domain.reasons import Reason


@attrs.frozen
class ChannelChoice:
    in_app: bool = True
    email: bool = True

    @property
    def any(self) -> bool:
        return self.in_app or self.email


@attrs.frozen
class NotificationSettings:
    chosen: Mapping[Reason, ChannelChoice] = attrs.field(factory=dict)

    def choice(self, reason: Reason) -> ChannelChoice:
        return self.chosen.get(reason, ChannelChoice())

    def every_reason(self) -> dict[Reason, ChannelChoice]:
        return {reason: self.choice(reason) for reason in Reason}

    def with_choices(self, updates: Mapping[Reason, ChannelChoice]) -> "NotificationSettings":
        """The reasons named change; the others keep what they were."""
        return NotificationSettings({**self.chosen, **updates})

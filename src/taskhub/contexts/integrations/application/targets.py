"""Judging a target: its URL's shape, then every address its name resolves to."""

from taskhub.contexts.integrations.application.ports import AddressResolver, ResolutionFailed
from taskhub.contexts.integrations.domain.addresses import Address, refusal
from taskhub.contexts.integrations.domain.target import Target, parse_target
from taskhub.shared_kernel.errors import ValidationFailed


class TargetPolicy:
    def __init__(self, *, resolver: AddressResolver, allow_private: bool) -> None:
        self._resolver = resolver
        self.allow_private = allow_private

    def check(self, url: str, field: str = "url") -> tuple[Target, list[Address]]:
        """The parsed target and its addresses, every one of them allowed; else 422."""
        target = parse_target(url, allow_private=self.allow_private, field=field)
        literal = target.literal_address
        if literal is not None:
            return target, [literal]
        try:
            addresses = self._resolver.resolve(target.host, target.port)
        except ResolutionFailed:
            raise ValidationFailed.single(field, f"{target.host} does not resolve") from None
        if not addresses:
            raise ValidationFailed.single(field, f"{target.host} does not resolve")
        if not self.allow_private:
            for address in addresses:
                reason = refusal(address)
                if reason:
                    raise ValidationFailed.single(
                        field,
                        f"must not point at {address} ({target.host} resolves there): it {reason}",
                    )
        return target, addresses

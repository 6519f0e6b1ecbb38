"""Facts about an account that staff (or the operator, or the user leaving) brought
about, for the account's own security log: whoever acted is the entry's actor, the
account is its subject."""

import attrs

from taskhub.contexts.identity.domain.events import AccountEvent


@attrs.frozen(kw_only=True)
class StaffStatusChanged(AccountEvent):
    staff: bool

    @property
    def action(self) -> str:  # type: ignore[override]
        return "user.staff_granted" if self.staff else "user.staff_revoked"

    def _changes(self) -> dict[str, tuple[object, object]]:
        return {"staff": (not self.staff, self.staff)}


@attrs.frozen(kw_only=True)
class AccountViewedByStaff(AccountEvent):
    action = "user.viewed_by_staff"


@attrs.frozen(kw_only=True)
class AccountCreatedByStaff(AccountEvent):
    email: str
    action = "user.created_by_staff"

    def _changes(self) -> dict[str, tuple[object, object]]:
        return {"email": (None, self.email)}


@attrs.frozen(kw_only=True)
class AccountErased(AccountEvent):
    """The account's email and name were replaced; the entry names the id only."""

    action = "user.erased"

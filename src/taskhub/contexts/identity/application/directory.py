"""Identity's implementation of the published user directory."""

import uuid
from collections.abc import Collection

from taskhub.contexts.identity.application.ports import (
    IdentityUnitOfWork,
)
from taskhub.contexts.identity.public.directory import UserSummary
from taskhub.shared_kernel.unit_of_work import UnitOfWorkFactory


class IdentityUserDirectory:
    def __init__(self, *, uow: UnitOfWorkFactory[IdentityUnitOfWork]) -> None:
        self._uow = uow

    def find_by_email(self, email: str) -> UserSummary | None:
        with self._uow(read_only=True) as uow:
            user = uow.users.get_by_email(email.strip())
        if user is None or not user.is_active:
            return None
        return UserSummary(id=user.id, email=user.email, name=user.name)

    def get_many(self, user_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, UserSummary]:
        if not user_ids:
            return {}
        with self._uow(read_only=True) as uow:
            users = uow.users.get_many(list(user_ids))
        return {u.id: UserSummary(id=u.id, email=u.email, name=u.name) for u in users}

"""Tenancy's errors."""

from taskhub.shared_kernel.errors import Conflict


class SlugTaken(Conflict):
    code = "slug_taken"

    def __init__(self) -> None:
        super().__init__("An organization with this slug already exists.")


class AlreadyMember(Conflict):
    code = "already_member"

    def __init__(self) -> None:
        super().__init__("This user is already a member of the organization.")


class TeamNameTaken(Conflict):
    code = "team_name_taken"

    def __init__(self) -> None:
        super().__init__("A team with this name already exists in the organization.")

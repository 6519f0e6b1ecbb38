"""`taskhub users grant-staff|revoke-staff`: the operator names who runs the platform.

Staff status is read from the database on every admin request, so a change holds at
once in every process, with nothing to announce.
"""

import argparse
import sys
from collections.abc import Callable
from typing import Any

from taskhub.entrypoints import cli
from taskhub.platform.settings import SettingsError


def built_container() -> Any:
    """The application, for a command that works on the configured database."""
    from taskhub.bootstrap import build_container

    settings = cli._settings()
    cli._database_reachable(settings)
    try:
        return build_container(settings)
    except SettingsError as exc:
        cli._fail(exc.problems)


def _set_staff(staff: bool) -> Callable[[argparse.Namespace], None]:
    def run(args: argparse.Namespace) -> None:
        from taskhub.shared_kernel.errors import NotFound

        container = built_container()
        try:
            changed = container.identity.staff().set_staff(args.email, staff)
        except NotFound as exc:
            print(f"taskhub: {exc.detail}", file=sys.stderr)
            raise SystemExit(cli.EXIT_NOT_FOUND) from None
        state = "staff" if staff else "not staff"
        print(f"{args.email}: {state}" + ("" if changed else " (unchanged)"))

    return run


def add_staff_commands(user_commands: Any) -> None:
    """`grant-staff` and `revoke-staff` under `taskhub users`."""
    for name, staff, text in (
        (
            "grant-staff",
            True,
            "make an account staff: it may use /api/v1/admin (accounts, never an "
            "organization's content)",
        ),
        ("revoke-staff", False, "make a staff account an ordinary one again"),
    ):
        action = user_commands.add_parser(
            name,
            help=text,
            description=text[0].upper() + text[1:] + ".",
            epilog="exit status: 0 done; 1 no account has that email; 2 configuration "
            "error or the database does not answer.",
        )
        action.add_argument("email")
        action.set_defaults(run=_set_staff(staff))

"""Account commands: `taskhub users grant-staff|revoke-staff` (the operator names who
runs the platform) and `taskhub seed --demo` (a team to try taskhub with).

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


def cmd_seed(args: argparse.Namespace) -> None:
    from taskhub.entrypoints.demo_seed import OWNER_EMAIL, DatabaseInUse, seed_demo

    if not args.demo:
        cli._fail(["seed: say --demo (the only kind of seed there is)"])
    settings = cli._settings()
    cli._database_reachable(settings)
    if settings.is_sqlite:
        cli._migrate(settings)
    else:
        cli._require_current_schema(settings)
    container = built_container()
    try:
        passwords = seed_demo(container)
    except DatabaseInUse:
        print(
            "taskhub: the database already has accounts; `seed --demo` only fills an empty one",
            file=sys.stderr,
        )
        raise SystemExit(cli.EXIT_NOT_FOUND) from None
    print("Demo organization `demo` is ready. Sign in with (passwords are shown only now):")
    for email, password in passwords.items():
        role = "owner" if email == OWNER_EMAIL else "member"
        print(f"  {email}  {password}  ({role})")


def add_seed_command(commands: Any) -> None:
    seed = commands.add_parser(
        "seed",
        help="fill an empty database with a demo organization",
        description="Fill an empty database with a demo organization: owner "
        "admin@example.com, member member@example.com (passwords printed once), three "
        "projects and a few hundred tasks with labels, assignees, dependencies and "
        "comments. Refuses a database that already has accounts.",
        epilog="exit status: 0 done; 1 the database already has accounts; 2 configuration "
        "error or the database does not answer.",
    )
    seed.add_argument("--demo", action="store_true", help="the demo data (required)")
    seed.set_defaults(run=cmd_seed)

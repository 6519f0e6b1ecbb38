"""Every org-scoped table is keyed tenant first (ADR 0022), so new tables are born right.

A table is org-scoped when it has a NOT NULL `org_id` column, or references an
org-scoped table (a link table between org-scoped rows is one, whether or not it
carries `org_id` yet). Such a table must carry `org_id`, lead its primary key and every
unique constraint or unique index with it, and include it in every foreign key to
another org-scoped table (`org_id` onto the parent's `org_id`).

Every other table is listed in `NOT_ORG_SCOPED` with the reason it stands outside the
rule; a table the rule does not catch and the list does not name fails too, so a new
table is classified on purpose, never by omission.
"""

import sqlalchemy as sa

from taskhub.bootstrap import all_metadata
from taskhub.platform.sql_types import UtcDateTime

NOT_ORG_SCOPED = {
    # The tenants themselves: their key is the organization's id.
    "tenancy_organizations": "the organization is the tenant; its id is the org_id",
    # People and their credentials exist before and across organizations.
    "identity_users": "a user belongs to no organization and may join many",
    "identity_sessions": "a login session is the user's, in no organization",
    "identity_refresh_tokens": "belongs to a session, hence to the user",
    "identity_email_tokens": "a reset or verification token is the user's, in no organization",
    # Each chain is its own tenant: `org:<id>` for an organization's log, `user:<id>` for a
    # user's security log. Entries are immutable (triggers), so they are keyed by chain.
    "audit_entries": "keyed by chain_key, the log's own tenant (an org's or a user's)",
    "audit_chain_heads": "one row per chain_key, as audit_entries",
    # Infrastructure that spans tenants by design.
    "platform_outbox": (
        "one global publication order (position) read by the relay across organizations; "
        "it carries org_id for the subscribers, and its per-entity index leads with it"
    ),
    "platform_consumed_events": "a subscriber's record of event ids, for any organization",
    "platform_idempotency_keys": "keyed by principal (a user or an API key), not by org",
    "platform_deployment": "one row describing this deployment",
    "platform_mail_outbox": "emails to people, queued by changes in or outside any organization",
    "notifications_recipients": "a person's notification settings and last email, across orgs",
}


def _columns(constraint: sa.PrimaryKeyConstraint | sa.UniqueConstraint | sa.Index) -> list[str]:
    if isinstance(constraint, sa.Index):
        return [getattr(expr, "name", str(expr)) for expr in constraint.expressions]
    return [column.name for column in constraint.columns]


def _has_org_id(table: sa.Table) -> bool:
    return "org_id" in table.c and not table.c.org_id.nullable


def org_scoped(tables: list[sa.Table]) -> set[str]:
    """Tables with a NOT NULL org_id, then (to a fixpoint) tables referencing those."""
    scoped = {t.name for t in tables if _has_org_id(t)}
    growing = True
    while growing:
        growing = False
        for table in tables:
            if table.name in scoped:
                continue
            if any(fk.referred_table.name in scoped for fk in table.foreign_key_constraints):
                scoped.add(table.name)
                growing = True
    return scoped


def violations(metadatas: list[sa.MetaData], not_scoped: dict[str, str]) -> list[str]:
    tables = [t for metadata in metadatas for t in metadata.sorted_tables]
    scoped = org_scoped(tables) - set(not_scoped)
    found = []
    for name in sorted(set(not_scoped) - {t.name for t in tables}):
        found.append(f"{name}: listed as not org-scoped but no such table")
    for table in tables:
        if table.name in not_scoped:
            continue
        if table.name not in scoped:
            found.append(f"{table.name}: no org_id; give it one or list why it has none")
            continue
        if not _has_org_id(table):
            found.append(f"{table.name}: references org-scoped rows but has no NOT NULL org_id")
            continue
        key = _columns(table.primary_key)
        if key[:1] != ["org_id"]:
            found.append(f"{table.name}: primary key {key} does not lead with org_id")
        for fk in table.foreign_key_constraints:
            if fk.referred_table.name not in scoped:
                continue
            pairs = {(e.parent.name, e.column.name) for e in fk.elements}
            if ("org_id", "org_id") not in pairs:
                found.append(f"{table.name}: foreign key {fk.name} leaves out org_id")
        for constraint in table.constraints:
            if isinstance(constraint, sa.UniqueConstraint):
                columns = _columns(constraint)
                if columns[:1] != ["org_id"]:
                    found.append(f"{table.name}: unique {columns} does not lead with org_id")
        for index in table.indexes:
            if index.unique and _columns(index)[:1] != ["org_id"]:
                found.append(f"{table.name}: unique index {index.name} does not lead with org_id")
    return found


def test_every_org_scoped_table_is_keyed_tenant_first() -> None:
    assert violations(all_metadata(), NOT_ORG_SCOPED) == []


def test_the_list_of_tables_outside_the_rule_holds_no_org_scoped_one() -> None:
    tables = [t for metadata in all_metadata() for t in metadata.sorted_tables]
    caught = org_scoped(tables) & set(NOT_ORG_SCOPED)
    # The outbox carries org_id for its subscribers but is one global queue.
    assert caught == {"platform_outbox"}


def _broken_schema() -> sa.MetaData:
    metadata = sa.MetaData()
    sa.Table("orgs", metadata, sa.Column("id", sa.Uuid, primary_key=True))
    sa.Table(
        "things",
        metadata,
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("org_id", sa.Uuid, sa.ForeignKey("orgs.id"), nullable=False),
        sa.Column("code", sa.String(10), nullable=False, unique=True),
        sa.Column("name", sa.String(10), nullable=False),
        sa.Index("ix_things_name", "name", "org_id", unique=True),
    )
    sa.Table(
        "parts",
        metadata,
        sa.Column("org_id", sa.Uuid, nullable=False),
        sa.Column("id", sa.Uuid, nullable=False),
        sa.Column("thing_id", sa.Uuid, sa.ForeignKey("things.id"), nullable=False),
        sa.PrimaryKeyConstraint("org_id", "id"),
    )
    sa.Table(
        "thing_tags",
        metadata,
        sa.Column("thing_id", sa.Uuid, sa.ForeignKey("things.id"), primary_key=True),
        sa.Column("tag", sa.String(10), primary_key=True),
    )
    sa.Table("loose", metadata, sa.Column("at", UtcDateTime, primary_key=True))
    return metadata


def test_each_broken_rule_is_reported() -> None:
    found = violations([_broken_schema()], {"orgs": "the tenant", "gone": "removed since"})
    assert sorted(found) == [
        "gone: listed as not org-scoped but no such table",
        "loose: no org_id; give it one or list why it has none",
        "parts: foreign key None leaves out org_id",
        "thing_tags: references org-scoped rows but has no NOT NULL org_id",
        "things: primary key ['id'] does not lead with org_id",
        "things: unique ['code'] does not lead with org_id",
        "things: unique index ix_things_name does not lead with org_id",
    ]

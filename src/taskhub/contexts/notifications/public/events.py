"""The integration events notifications publishes: none. Watching a task is audited in
the organization's log, but partners are not told of it."""

PUBLISHED_TYPES: tuple[str, ...] = ()

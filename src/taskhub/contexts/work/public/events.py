"""The integration events the work context publishes (routing keys on the bus).

`data` of task events is the task as the API shows it; of project events, the project;
of `comment.created`, the comment with its `task_id`; of state, cycle and milestone
events, the state, cycle or milestone (a cycle's or milestone's without `progress`,
which changes with its tasks, not with it). Add fields, never rename them.
"""

TASK_CREATED = "task.created"
TASK_UPDATED = "task.updated"
TASK_DELETED = "task.deleted"
TASK_RESTORED = "task.restored"
COMMENT_CREATED = "comment.created"
PROJECT_CREATED = "project.created"
PROJECT_UPDATED = "project.updated"
PROJECT_DELETED = "project.deleted"
TASK_MOVED = "task.moved"
STATE_CREATED = "state.created"
STATE_UPDATED = "state.updated"
STATE_DELETED = "state.deleted"
CYCLE_CREATED = "cycle.created"
CYCLE_UPDATED = "cycle.updated"
CYCLE_DELETED = "cycle.deleted"
CYCLE_COMPLETED = "cycle.completed"
MILESTONE_CREATED = "milestone.created"
MILESTONE_UPDATED = "milestone.updated"
MILESTONE_DELETED = "milestone.deleted"

PUBLISHED_TYPES = (
    TASK_CREATED,
    TASK_UPDATED,
    TASK_DELETED,
    TASK_RESTORED,
    COMMENT_CREATED,
    PROJECT_CREATED,
    PROJECT_UPDATED,
    PROJECT_DELETED,
    TASK_MOVED,
    STATE_CREATED,
    STATE_UPDATED,
    STATE_DELETED,
    CYCLE_CREATED,
    CYCLE_UPDATED,
    CYCLE_DELETED,
    CYCLE_COMPLETED,
    MILESTONE_CREATED,
    MILESTONE_UPDATED,
    MILESTONE_DELETED,
)

"""The integration events the work context publishes (routing keys on the bus).

`data` of task events is the task as the API shows it; of project events, the project;
of `comment.created`, the comment with its `task_id`. Add fields, never rename them.
"""

TASK_CREATED = "task.created"
TASK_UPDATED = "task.updated"
TASK_DELETED = "task.deleted"
TASK_RESTORED = "task.restored"
COMMENT_CREATED = "comment.created"
PROJECT_CREATED = "project.created"
PROJECT_UPDATED = "project.updated"
PROJECT_DELETED = "project.deleted"

PUBLISHED_TYPES = (
    TASK_CREATED,
    TASK_UPDATED,
    TASK_DELETED,
    TASK_RESTORED,
    COMMENT_CREATED,
    PROJECT_CREATED,
    PROJECT_UPDATED,
    PROJECT_DELETED,
)

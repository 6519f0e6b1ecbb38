"""The integration events the attachments context publishes (routing keys on the bus).

`data` is the attachment as the API shows it. Add fields, never rename them.
"""

ATTACHMENT_CREATED = "attachment.created"
ATTACHMENT_DELETED = "attachment.deleted"
ATTACHMENT_RESTORED = "attachment.restored"

PUBLISHED_TYPES = (ATTACHMENT_CREATED, ATTACHMENT_DELETED, ATTACHMENT_RESTORED)

"""Notifications: who watches which task, the inbox each user reads, and the emails that
gather it. Everything here follows from other contexts' published events; no context
calls into this one."""

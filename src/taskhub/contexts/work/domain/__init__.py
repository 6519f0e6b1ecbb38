"""Work's rules: projects, tasks and their numbers, statuses, hierarchy and dependencies."""

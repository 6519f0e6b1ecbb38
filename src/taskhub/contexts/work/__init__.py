"""Work: projects, tasks, dependencies, labels, comments."""

"""The stream rules, free of any transport: which events a stream shows, in what order,
when it resumes, and why it ends."""

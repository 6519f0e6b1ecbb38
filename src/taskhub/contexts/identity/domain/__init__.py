"""Identity's rules: who a user is, what a good password is, how sessions live and die."""

"""Use cases: watching, reacting to other contexts' events, the inbox, due dates, email."""

"""Process entry points: the WSGI app factory, the command line, the worker."""

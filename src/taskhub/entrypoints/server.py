"""Running the WSGI app under gunicorn from `taskhub serve`.

The app is built in each worker after the fork, so no database connection or thread is
ever shared across processes. The listening socket is bound by `taskhub serve` itself
(`serve_preflight.bind_listener`) and handed over as a descriptor, so the command has
the port before it says it is serving.
"""

import socket
from typing import Any

import falcon
from gunicorn.app.base import BaseApplication

THREADS_PER_WORKER = 4


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> falcon.App[falcon.Request, falcon.Response]:
        from taskhub.entrypoints.wsgi import application

        return application()


def serve(*, listener: socket.socket, workers: int) -> None:
    # gunicorn adopts the descriptor (and closes it when done); the socket object lets go.
    descriptor = listener.detach()
    _Gunicorn(
        {
            "bind": f"fd://{descriptor}",
            "workers": workers,
            "worker_class": "taskhub.entrypoints.gunicorn_worker.EdgeWorker",
            "threads": THREADS_PER_WORKER,
            "graceful_timeout": 20,
            "timeout": 60,
            "accesslog": None,
            "errorlog": "-",
            "loglevel": "warning",
            "proc_name": "taskhub",
        }
    ).run()

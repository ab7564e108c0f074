"""Running a WSGI app under gunicorn from our own command line.

The app is built by ``loader`` inside the worker after the fork, so engines, threads
and Kafka clients are never shared between processes.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

from gunicorn.app.base import BaseApplication

CONFIG_MODULE = "waymark_shared.web.gunicorn_conf"


class GunicornApp(BaseApplication):
    def __init__(self, loader: Callable[[], Callable], options: Mapping[str, Any]):
        self._loader = loader
        self._options = dict(options)
        super().__init__()

    def load_config(self) -> None:
        module = importlib.import_module(CONFIG_MODULE)
        for key, value in vars(module).items():
            if key in self.cfg.settings and value is not None:
                self.cfg.set(key, value)
        for key, value in self._options.items():
            if value is not None:
                self.cfg.set(key, value)

    def load(self) -> Callable:
        return self._loader()

"""One JSON object per line on stdout (CloudWatch Logs and `docker logs` read them as they are)."""
import json
import sys
from typing import Any

from .messages import now_rfc3339


class Log:
    def __init__(self, **context: Any) -> None:
        self._context = context

    def bind(self, **context: Any) -> 'Log':
        """A log that adds these fields to every line."""
        return Log(**self._context, **context)

    def info(self, message: str, **fields: Any) -> None:
        self._write('INFO', message, fields)

    def warning(self, message: str, **fields: Any) -> None:
        self._write('WARN', message, fields)

    def error(self, message: str, **fields: Any) -> None:
        self._write('ERROR', message, fields)

    def _write(self, level: str, message: str, fields: dict[str, Any]) -> None:
        line = {
            'time': now_rfc3339(),
            'level': level,
            'message': message,
            **self._context,
            **fields,
        }
        sys.stdout.write(json.dumps(line, default=str) + '\n')
        sys.stdout.flush()

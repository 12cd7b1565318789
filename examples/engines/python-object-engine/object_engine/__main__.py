"""`python -m object_engine`: run the object engine with the environment the construct sets."""
import os
import socket
import sys
import traceback

from .config import ObjectEngineConfig
from .engine import ObjectEngine
from .env import ConfigError
from .log import Log
from .stop_signal import StopSignal
from .task_id import resolve_task_id

EXIT_CRASHED = 1  # ECS starts a new task in the service


def main() -> int:
    log = Log(engine=os.environ.get('ENGINE_NAME'))
    stop = StopSignal.install(log)
    try:
        config = ObjectEngineConfig.from_env(os.environ)
        task_id = resolve_task_id(os.environ)  # optional for object engines: heartbeats omit it then
        client_id = f'{config.engine}-{task_id or socket.gethostname()}'
        return ObjectEngine(config, task_id, client_id, log.bind(taskId=task_id) if task_id else log).run(stop)
    except ConfigError as error:
        log.error(f'configuration: {error}')
    except Exception as error:  # noqa: BLE001 - any crash exits non-zero: ECS replaces the task
        log.error(f'crashed: {error!r}', traceback=traceback.format_exc())
    return EXIT_CRASHED


if __name__ == '__main__':
    sys.exit(main())

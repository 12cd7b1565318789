"""`python -m stream_engine`: run the stream engine with the environment the Coordinator sets."""
import os
import sys
import traceback

from .config import StreamEngineConfig
from .engine import StreamEngine
from .env import ConfigError
from .log import Log
from .stop_signal import StopSignal
from .task_id import resolve_task_id

EXIT_CRASHED = 1  # the Coordinator launches the stream again (up to maxLaunchAttempts)


def main() -> int:
    log = Log(engine=os.environ.get('ENGINE_NAME'), streamId=os.environ.get('STREAM_ID'))
    stop = StopSignal.install(log)
    try:
        config = StreamEngineConfig.from_env(os.environ)
        task_id = resolve_task_id(os.environ)
        if task_id is None:
            raise ConfigError('ENGINE_TASK_ID must be set outside ECS (ECS_CONTAINER_METADATA_URI_V4 is not set)')
        return StreamEngine(config, task_id, log.bind(taskId=task_id)).run(stop)
    except ConfigError as error:
        log.error(f'configuration: {error}')
    except Exception as error:  # noqa: BLE001 - any crash exits non-zero: the stream is launched again
        log.error(f'crashed: {error!r}', traceback=traceback.format_exc())
    return EXIT_CRASHED


if __name__ == '__main__':
    sys.exit(main())

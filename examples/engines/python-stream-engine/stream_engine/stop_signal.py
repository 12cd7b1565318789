"""SIGTERM (ECS stopping the task, Fargate Spot's 2-minute notice) and Ctrl-C ask the loop to stop
after the record at hand; the loop then produces, commits and exits."""
import signal
from types import FrameType

from .log import Log


class StopSignal:
    def __init__(self) -> None:
        self.requested = False

    @classmethod
    def install(cls, log: Log) -> 'StopSignal':
        stop = cls()

        def handle(signum: int, _frame: FrameType | None) -> None:
            if not stop.requested:
                log.info(f'{signal.Signals(signum).name}: stopping after the record at hand')
            stop.requested = True

        signal.signal(signal.SIGTERM, handle)
        signal.signal(signal.SIGINT, handle)
        return stop

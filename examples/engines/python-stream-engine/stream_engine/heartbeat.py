"""`heartbeat` messages, at least every ENGINE_HEARTBEAT_INTERVAL_SECONDS.

They are sent from the engine's loop (between records), so they stop when the engine hangs: the
Coordinator then stops and relaunches a stream engine. A model call that takes longer than the
Coordinator's heartbeatTimeout must therefore be split.
"""
import time
from collections.abc import Callable

from .messages import MessageValidator, now_rfc3339
from .output_producer import OutputProducer


class Heartbeats:
    def __init__(self, producer: OutputProducer, validator: MessageValidator, topic: str, engine: str,
                 interval_s: float, task_id: str | None, stream_id: str | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._producer = producer
        self._validator = validator
        self._topic = topic
        self._engine = engine
        self._interval_s = interval_s
        self._task_id = task_id
        self._stream_id = stream_id
        self._clock = clock
        self._processed = 0
        self._last_sent: float | None = None

    def count_processed(self) -> None:
        self._processed += 1

    def send_if_due(self) -> None:
        if self._last_sent is None or self._clock() - self._last_sent >= self._interval_s:
            self.send()

    def send(self) -> None:
        """Stream engines: keyed by the stream id; object engines: no stream id, no key."""
        message = {'type': 'heartbeat', 'version': 1, 'engine': self._engine, 'at': now_rfc3339(), 'processed': self._processed}
        if self._stream_id is not None:
            message['streamId'] = self._stream_id
        if self._task_id is not None:
            message['taskId'] = self._task_id
        key = self._stream_id.encode('utf-8') if self._stream_id is not None else None
        self._producer.produce(self._topic, value=self._validator.encode(message), key=key)
        self._processed = 0
        self._last_sent = self._clock()

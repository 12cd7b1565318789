"""Commits the stream's partitions in ENGINE_CONSUMER_GROUP, only after the outputs they cover
were acknowledged (at least once), at least every COMMIT_INTERVAL_S and before exiting."""
import time
from collections.abc import Callable
from typing import Any

from confluent_kafka import Consumer, TopicPartition

from .output_producer import OutputProducer

COMMIT_INTERVAL_S = 2.0


class OffsetCommitter:
    def __init__(self, consumer: Consumer, producer: OutputProducer, clock: Callable[[], float] = time.monotonic) -> None:
        self._consumer = consumer
        self._producer = producer
        self._clock = clock
        self._next: dict[tuple[str, int], int] = {}
        self._last_commit = clock()

    def passed(self, record: Any) -> None:
        """The record is done (output produced, dead-lettered or skipped): commit past it next time."""
        self._next[(record.topic(), record.partition())] = record.offset() + 1

    def commit_if_due(self) -> None:
        if self._clock() - self._last_commit >= COMMIT_INTERVAL_S:
            self.commit()

    def commit(self) -> None:
        self._last_commit = self._clock()
        if not self._next:
            return
        self._producer.flush()
        offsets = [TopicPartition(topic, partition, offset) for (topic, partition), offset in self._next.items()]
        for tp in self._consumer.commit(offsets=offsets, asynchronous=False) or []:
            if tp.error is not None:
                raise RuntimeError(f'commit of {tp.topic}:{tp.partition} at {tp.offset} failed: {tp.error}')
        self._next.clear()

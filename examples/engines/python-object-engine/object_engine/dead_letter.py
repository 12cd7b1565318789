"""Poison messages go to ENGINE_DEAD_LETTER_TOPIC as they came (key, value and headers, byte for
byte) with dead-letter.* headers saying why and where from; then the engine commits and goes on."""
from typing import Any

from .output_producer import OutputProducer

MAX_ERROR_CHARS = 1000


class DeadLetters:
    def __init__(self, producer: OutputProducer, topic: str, engine: str) -> None:
        self._producer = producer
        self._topic = topic
        self._engine = engine

    def send(self, record: Any, error: str) -> None:
        """record: the confluent_kafka Message that could not be processed."""
        headers = list(record.headers() or []) + [
            ('dead-letter.error', error[:MAX_ERROR_CHARS].encode('utf-8')),
            ('dead-letter.engine', self._engine.encode('utf-8')),
            ('dead-letter.source-topic', record.topic().encode('utf-8')),
            ('dead-letter.source-partition', str(record.partition()).encode('utf-8')),
            ('dead-letter.source-offset', str(record.offset()).encode('utf-8')),
        ]
        self._producer.produce(self._topic, value=record.value(), key=record.key(), headers=headers)

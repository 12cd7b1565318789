"""Producing results, heartbeats and dead letters, and knowing they were written.

Offsets are committed only after `flush()` returned: every output the commit covers is then
acknowledged by the brokers (acks=all), so a crash repeats work but never loses it.
"""
from typing import Any

from confluent_kafka import Producer

Headers = list[tuple[str, str | bytes | None]]


class DeliveryFailed(RuntimeError):
    """Messages the brokers did not acknowledge: the engine stops without committing them."""


class OutputProducer:
    def __init__(self, config: dict[str, Any]) -> None:
        self._producer = Producer(config)
        self._failures: list[str] = []

    def produce(self, topic: str, value: bytes, key: bytes | None = None, headers: Headers | None = None) -> None:
        while True:
            try:
                self._producer.produce(topic, value=value, key=key, headers=headers, on_delivery=self._on_delivery)
                break
            except BufferError:  # the local queue is full: let deliveries drain
                self._producer.poll(0.5)
        self._producer.poll(0)

    def flush(self, timeout_s: float = 30) -> None:
        """Waits until everything produced so far is acknowledged; raises DeliveryFailed otherwise."""
        remaining = self._producer.flush(timeout_s)
        if self._failures:
            raise DeliveryFailed('; '.join(self._failures))
        if remaining:
            raise DeliveryFailed(f'{remaining} messages not acknowledged within {timeout_s} s')

    def poll(self) -> None:
        """Serves delivery reports (and the IAM token refresh) between records."""
        self._producer.poll(0)

    def _on_delivery(self, error: Any, message: Any) -> None:
        if error is not None:
            self._failures.append(f'{message.topic()}: {error}')

"""The stream engine's loop (engine contract, stream engines, rules 1-6).

Read the stream's partitions from their start positions; skip other streams' records; validate
the stream's own; for each stream-data run the model and produce one engine-output; dead-letter
what is not valid; commit after producing; heartbeat; stop at end-of-stream (exit 0), on SIGTERM
(exit 143) or when the model rejects the stream (exit 65).
"""
import base64
import binascii
from typing import Any

from confluent_kafka import Consumer, KafkaError, KafkaException

from .config import StreamEngineConfig
from .dead_letter import DeadLetters
from .heartbeat import Heartbeats
from .kafka_config import client_config, producer_config
from .log import Log
from .messages import InvalidMessage, MessageValidator, now_rfc3339
from .model import StreamModel, StreamRejected
from .offset_committer import OffsetCommitter
from .output_producer import OutputProducer
from .read_stats import ReadStats
from .start_position import start_positions
from .stop_signal import StopSignal

EXIT_FINISHED = 0
EXIT_REJECTED = 65
EXIT_STOPPED = 143  # 128 + SIGTERM: stopped before the end, the Coordinator launches the stream again
POLL_TIMEOUT_S = 0.5
STREAM_TYPES = ('stream-data', 'end-of-stream')


class ModelFailed(Exception):
    """The model raised on one stream-data (other than StreamRejected): that message is dead-lettered."""


class StreamEngine:
    def __init__(self, config: StreamEngineConfig, task_id: str, log: Log) -> None:
        self._config = config
        self._log = log
        self._key = config.stream_id.encode('utf-8')
        client_id = f'{config.engine}-{task_id}'
        self._validator = MessageValidator()
        self._producer = OutputProducer(producer_config(config.kafka, client_id))
        # group.id only to commit and read committed offsets: the partitions are assigned, never subscribed
        self._consumer = Consumer({
            **client_config(config.kafka, client_id),
            'group.id': config.consumer_group,
            'enable.auto.commit': False,
            'enable.auto.offset.store': False,
        })
        self._model = StreamModel(config.stream_id)
        self._dead_letters = DeadLetters(self._producer, config.dead_letter_topic, config.engine)
        self._heartbeats = Heartbeats(self._producer, self._validator, config.control_topic, config.engine,
                                      config.heartbeat_interval_s, task_id, stream_id=config.stream_id)
        self._committer = OffsetCommitter(self._consumer, self._producer)
        self._stats = ReadStats()

    def run(self, stop: StopSignal) -> int:
        self._log.info('starting', launchAttempt=self._config.launch_attempt)
        self._heartbeats.send()
        self._consumer.assign(start_positions(self._consumer, self._config.stream_partitions,
                                              self._config.start_timestamp_ms, self._log))
        exit_code = EXIT_STOPPED
        try:
            while not stop.requested:
                record = self._consumer.poll(POLL_TIMEOUT_S)
                self._heartbeats.send_if_due()
                if record is not None and self._handle(record):
                    exit_code = EXIT_FINISHED
                    break
                self._committer.commit_if_due()
                self._producer.poll()
        except StreamRejected as rejected:
            self._log.error('the model rejected the stream: it can never be processed', reason=str(rejected))
            exit_code = EXIT_REJECTED
        self._committer.commit()
        self._consumer.close()
        self._log.info({EXIT_FINISHED: 'finished', EXIT_REJECTED: 'rejected', EXIT_STOPPED: 'stopped before the end'}[exit_code],
                       exitCode=exit_code, **self._stats.summary())
        return exit_code

    def _handle(self, record: Any) -> bool:
        """Processes one record; True once the stream's end-of-stream is done."""
        kafka_error = record.error()
        if kafka_error is not None:
            _raise_if_fatal(kafka_error, self._log)
            return False
        of_stream = record.key() == self._key
        self._stats.count(record, of_stream)
        if not of_stream:
            self._committer.passed(record)
            return False
        self._heartbeats.count_processed()
        try:
            message = self._validator.parse(record.value(), STREAM_TYPES)
            if message['streamId'] != self._config.stream_id:
                raise InvalidMessage(f"streamId {message['streamId']!r} differs from the record key {self._config.stream_id!r}")
            if message['type'] == 'end-of-stream':
                self._committer.passed(record)
                return True
            self._produce_output(message)
        except (InvalidMessage, ModelFailed) as poison:
            self._dead_letter(record, str(poison))
        self._committer.passed(record)
        return False

    def _produce_output(self, message: dict[str, Any]) -> None:
        try:
            data = base64.b64decode(message['data'], validate=True)
        except binascii.Error:
            raise InvalidMessage('stream-data invalid at data: not base64') from None
        output = {
            'type': 'engine-output',
            'version': 1,
            'streamId': self._config.stream_id,
            'engine': self._config.engine,
            'at': now_rfc3339(),
            **({'startOffsetMs': message['offsetMs']} if 'offsetMs' in message else {}),
            'output': self._run_model(data, message),
        }
        self._producer.produce(self._config.output_topic, value=self._validator.encode(output), key=self._key)

    def _run_model(self, data: bytes, message: dict[str, Any]) -> dict[str, Any]:
        try:
            return self._model.process(data, message)
        except StreamRejected:
            raise
        except Exception as error:  # noqa: BLE001 - whatever the model raises makes this message poison for it
            raise ModelFailed(f'model failed: {error!r}') from error

    def _dead_letter(self, record: Any, error: str) -> None:
        self._log.warning('dead-lettered a poison message', error=error, partition=f'{record.topic()}:{record.partition()}',
                          offset=record.offset())
        self._dead_letters.send(record, error)


def _raise_if_fatal(error: KafkaError, log: Log) -> None:
    """librdkafka keeps trying after a non-fatal error (a topic not created yet, a leader moving)."""
    if error.fatal():
        raise KafkaException(error)
    log.warning('Kafka client error (not fatal: the client keeps trying)', error=str(error))

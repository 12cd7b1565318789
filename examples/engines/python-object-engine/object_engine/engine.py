"""The object engine's loop (engine contract, object engines).

Join ENGINE_CONSUMER_GROUP subscribed to ENGINE_INPUT_TOPICS; for each media-chunk run the model
and produce one chunk-result keyed by its stream id; dead-letter what is not a valid media-chunk
(with an error chunk-result when the record's key names a stream); commit each chunk after its
result was acknowledged; heartbeat to ENGINE_OUTPUT_TOPIC; on SIGTERM finish the chunk at hand,
commit, leave the group and exit 0.
"""
import base64
import binascii
from typing import Any

from confluent_kafka import Consumer, KafkaError, KafkaException

from .config import ObjectEngineConfig
from .dead_letter import DeadLetters
from .heartbeat import Heartbeats
from .kafka_config import client_config, producer_config
from .log import Log
from .messages import STREAM_ID_PATTERN, InvalidMessage, MessageValidator, now_rfc3339
from .model import ChunkModel
from .output_producer import OutputProducer
from .scale_in_protection import ScaleInProtection
from .stop_signal import StopSignal

POLL_TIMEOUT_S = 0.5
# a commit refused because the group is rebalancing: the partition's new owner repeats the chunk
REBALANCE_ERRORS = (KafkaError.REBALANCE_IN_PROGRESS, KafkaError.ILLEGAL_GENERATION,
                    KafkaError.UNKNOWN_MEMBER_ID, KafkaError._ASSIGNMENT_LOST)


class ObjectEngine:
    def __init__(self, config: ObjectEngineConfig, task_id: str | None, client_id: str, log: Log) -> None:
        self._config = config
        self._log = log
        self._validator = MessageValidator()
        self._producer = OutputProducer(producer_config(config.kafka, client_id))
        self._consumer = Consumer({
            **client_config(config.kafka, client_id),
            'group.id': config.consumer_group,
            'auto.offset.reset': config.offset_reset,
            'enable.auto.commit': False,
            'enable.auto.offset.store': False,
        })
        self._model = ChunkModel()
        self._dead_letters = DeadLetters(self._producer, config.dead_letter_topic, config.engine)
        self._heartbeats = Heartbeats(self._producer, self._validator, config.output_topic, config.engine,
                                      config.heartbeat_interval_s, task_id)
        # ECS does not pick a protected task when the service scales in: protected while chunks come
        self._protection = ScaleInProtection(config.ecs_agent_uri, log)
        self._processed = 0

    def run(self, stop: StopSignal) -> int:
        self._consumer.subscribe(self._config.input_topics,
                                 on_assign=lambda _c, tps: self._log.info('assigned', partitions=_names(tps)),
                                 on_revoke=lambda _c, tps: self._log.info('revoked', partitions=_names(tps)))
        self._log.info('consuming', topics=self._config.input_topics, group=self._config.consumer_group)
        self._heartbeats.send()
        while not stop.requested:
            record = self._consumer.poll(POLL_TIMEOUT_S)
            self._heartbeats.send_if_due()
            self._protection.tick()
            self._producer.poll()
            if record is None:
                continue
            kafka_error = record.error()
            if kafka_error is not None:
                _raise_if_fatal(kafka_error, self._log)
                continue
            self._protection.working()
            self._handle(record)
            self._producer.flush()  # the result is acknowledged before its offset is committed
            self._commit(record)
            self._protection.done()
            self._processed += 1
            self._heartbeats.count_processed()
        self._producer.flush()
        self._consumer.close()  # leaves the group: its partitions move to the other tasks at once
        self._log.info('stopped', chunks=self._processed)
        return 0

    def _handle(self, record: Any) -> None:
        try:
            chunk = self._validator.parse(record.value(), ('media-chunk',))
            data = _inline_bytes(chunk)
        except InvalidMessage as invalid:
            self._dead_letter(record, str(invalid))
            return
        stream_id, chunk_id = chunk['streamId'], chunk['chunkId']
        try:
            output = self._model.analyse(chunk, data)
            result = self._result(stream_id, chunk_id, 'ignored') if output is None \
                else self._result(stream_id, chunk_id, 'success', output=output)
        except Exception as error:  # noqa: BLE001 - the model failed on this chunk (or returned no JSON object): report it, go on
            result = self._result(stream_id, chunk_id, 'error', error={'code': 'MODEL_ERROR', 'message': repr(error)})
        self._producer.produce(self._config.output_topic, value=result, key=stream_id.encode('utf-8'))

    def _dead_letter(self, record: Any, error: str) -> None:
        self._log.warning('dead-lettered a poison message', error=error, partition=f'{record.topic()}:{record.partition()}',
                          offset=record.offset())
        self._dead_letters.send(record, error)
        stream_id = _stream_id_of(record)
        if stream_id is not None:  # tell the stream's readers too
            chunk_id = f'offset-{record.topic()}-{record.partition()}-{record.offset()}'
            result = self._result(stream_id, chunk_id, 'error', error={'code': 'INVALID_MESSAGE', 'message': error})
            self._producer.produce(self._config.output_topic, value=result, key=stream_id.encode('utf-8'))

    def _result(self, stream_id: str, chunk_id: str, status: str, **details: Any) -> bytes:
        """A chunk-result, checked against its schema and encoded."""
        return self._validator.encode({'type': 'chunk-result', 'version': 1, 'streamId': stream_id, 'chunkId': chunk_id,
                                       'engine': self._config.engine, 'at': now_rfc3339(), 'status': status, **details})

    def _commit(self, record: Any) -> None:
        try:
            self._consumer.commit(message=record, asynchronous=False)
        except KafkaException as error:
            if error.args[0].code() not in REBALANCE_ERRORS:
                raise
            self._log.warning('commit refused during a rebalance: the partition\'s new owner repeats the chunk',
                              partition=f'{record.topic()}:{record.partition()}', offset=record.offset(), error=str(error))


def _inline_bytes(chunk: dict[str, Any]) -> bytes | None:
    if 'data' not in chunk:
        return None
    try:
        return base64.b64decode(chunk['data'], validate=True)
    except binascii.Error:
        raise InvalidMessage('media-chunk invalid at data: not base64') from None


def _stream_id_of(record: Any) -> str | None:
    """The record's key when it is a valid stream id (the key every message of a stream carries)."""
    try:
        key = (record.key() or b'').decode('utf-8')
    except UnicodeDecodeError:
        return None
    return key if STREAM_ID_PATTERN.match(key) else None


def _names(partitions: list[Any]) -> list[str]:
    return [f'{tp.topic}:{tp.partition}' for tp in partitions]


def _raise_if_fatal(error: KafkaError, log: Log) -> None:
    """librdkafka keeps trying after a non-fatal error (a topic not created yet, a leader moving)."""
    if error.fatal():
        raise KafkaException(error)
    log.warning('Kafka client error (not fatal: the client keeps trying)', error=str(error))

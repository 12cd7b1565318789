"""The stream engine's settings, from the environment the Coordinator and the construct set."""
from collections.abc import Mapping
from dataclasses import dataclass

from .env import ConfigError, comma_list, integer, required
from .kafka_config import KafkaSettings
from .messages import STREAM_ID_PATTERN

DEFAULT_HEARTBEAT_INTERVAL_SECONDS = 30


@dataclass(frozen=True)
class StreamPartition:
    topic: str
    partition: int


@dataclass(frozen=True)
class StreamEngineConfig:
    kafka: KafkaSettings
    engine: str
    stream_id: str
    input_topics: list[str]
    stream_partitions: list[StreamPartition]
    start_timestamp_ms: int
    output_topic: str
    control_topic: str
    dead_letter_topic: str
    consumer_group: str
    heartbeat_interval_s: int
    launch_attempt: int

    @staticmethod
    def from_env(env: Mapping[str, str]) -> 'StreamEngineConfig':
        stream_id = required(env, 'STREAM_ID')
        if not STREAM_ID_PATTERN.match(stream_id):
            raise ConfigError(f'STREAM_ID must match {STREAM_ID_PATTERN.pattern}, got {stream_id!r}')
        input_topics = comma_list(env, 'ENGINE_INPUT_TOPICS')
        return StreamEngineConfig(
            kafka=KafkaSettings.from_env(env),
            engine=required(env, 'ENGINE_NAME'),
            stream_id=stream_id,
            input_topics=input_topics,
            stream_partitions=parse_stream_partitions(comma_list(env, 'ENGINE_STREAM_PARTITIONS'), input_topics),
            start_timestamp_ms=integer(env, 'ENGINE_START_TIMESTAMP_MS', minimum=0),
            output_topic=required(env, 'ENGINE_OUTPUT_TOPIC'),
            control_topic=required(env, 'ENGINE_CONTROL_TOPIC'),
            dead_letter_topic=required(env, 'ENGINE_DEAD_LETTER_TOPIC'),
            consumer_group=required(env, 'ENGINE_CONSUMER_GROUP'),
            heartbeat_interval_s=integer(env, 'ENGINE_HEARTBEAT_INTERVAL_SECONDS', minimum=1,
                                         default=DEFAULT_HEARTBEAT_INTERVAL_SECONDS),
            launch_attempt=integer(env, 'ENGINE_LAUNCH_ATTEMPT', minimum=1, default=1),
        )


def parse_stream_partitions(entries: list[str], input_topics: list[str]) -> list[StreamPartition]:
    """`topic:partition` entries (topic names cannot hold ':'), each of an input topic."""
    partitions = []
    for entry in entries:
        topic, _, number = entry.rpartition(':')
        if not topic or not number.isdigit():
            raise ConfigError(f'ENGINE_STREAM_PARTITIONS entries must look like topic:partition, got {entry!r}')
        if topic not in input_topics:
            raise ConfigError(f'ENGINE_STREAM_PARTITIONS names topic {topic!r}, which is not in ENGINE_INPUT_TOPICS')
        partitions.append(StreamPartition(topic, int(number)))
    return partitions

"""The object engine's settings, from the environment the construct sets on the service's tasks."""
from collections.abc import Mapping
from dataclasses import dataclass

from .env import ConfigError, comma_list, integer, optional, required
from .kafka_config import KafkaSettings

DEFAULT_HEARTBEAT_INTERVAL_SECONDS = 30
OFFSET_RESETS = ('earliest', 'latest')


@dataclass(frozen=True)
class ObjectEngineConfig:
    kafka: KafkaSettings
    engine: str
    input_topics: list[str]
    output_topic: str
    dead_letter_topic: str
    consumer_group: str
    offset_reset: str
    heartbeat_interval_s: int
    # ECS sets ECS_AGENT_URI in every task (scale-in protection goes there); unset in local runs
    ecs_agent_uri: str | None

    @staticmethod
    def from_env(env: Mapping[str, str]) -> 'ObjectEngineConfig':
        # earliest: the lag scaler counts a never-committed partition's whole retained backlog
        offset_reset = optional(env, 'ENGINE_OFFSET_RESET') or 'earliest'
        if offset_reset not in OFFSET_RESETS:
            raise ConfigError(f"ENGINE_OFFSET_RESET must be one of {', '.join(OFFSET_RESETS)}; got {offset_reset!r}")
        return ObjectEngineConfig(
            kafka=KafkaSettings.from_env(env),
            engine=required(env, 'ENGINE_NAME'),
            input_topics=comma_list(env, 'ENGINE_INPUT_TOPICS'),
            output_topic=required(env, 'ENGINE_OUTPUT_TOPIC'),
            dead_letter_topic=required(env, 'ENGINE_DEAD_LETTER_TOPIC'),
            consumer_group=required(env, 'ENGINE_CONSUMER_GROUP'),
            offset_reset=offset_reset,
            heartbeat_interval_s=integer(env, 'ENGINE_HEARTBEAT_INTERVAL_SECONDS', minimum=1,
                                         default=DEFAULT_HEARTBEAT_INTERVAL_SECONDS),
            ecs_agent_uri=optional(env, 'ECS_AGENT_URI'),
        )

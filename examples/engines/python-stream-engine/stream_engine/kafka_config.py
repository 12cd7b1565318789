"""Where Kafka is and how to authenticate (KAFKA_* variables) -> confluent-kafka client settings.

- iam: SASL/OAUTHBEARER over TLS, token from the MSK IAM signer (iam_token.py), region AWS_REGION
- scram: SASL/SCRAM-SHA-512 over TLS, user and password from Secrets Manager (scram_secret.py)
- tls: TLS, no SASL
- plaintext: local runs only
"""
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .env import ConfigError, optional, required
from .iam_token import iam_token_callback
from .scram_secret import read_scram_credentials

AUTH_MODES = ('iam', 'scram', 'tls', 'plaintext')
SECURITY_PROTOCOL = {'iam': 'SASL_SSL', 'scram': 'SASL_SSL', 'tls': 'SSL', 'plaintext': 'PLAINTEXT'}


@dataclass(frozen=True)
class KafkaSettings:
    brokers: str
    auth_mode: str
    region: str  # '' when unset (plaintext, tls)
    scram_secret_arn: str  # '' unless scram

    @staticmethod
    def from_env(env: Mapping[str, str]) -> 'KafkaSettings':
        brokers = ','.join(b.strip() for b in required(env, 'KAFKA_BOOTSTRAP_BROKERS').split(',') if b.strip())
        auth_mode = optional(env, 'KAFKA_AUTH_MODE') or 'iam'
        if auth_mode not in AUTH_MODES:
            raise ConfigError(f"KAFKA_AUTH_MODE must be one of {', '.join(AUTH_MODES)}; got {auth_mode!r}")
        region = optional(env, 'AWS_REGION') or ''
        if auth_mode in ('iam', 'scram') and not region:
            raise ConfigError(f'AWS_REGION must be set with KAFKA_AUTH_MODE={auth_mode} (ECS sets it)')
        secret_arn = optional(env, 'KAFKA_SCRAM_SECRET_ARN') or ''
        if auth_mode == 'scram' and not secret_arn:
            raise ConfigError('KAFKA_SCRAM_SECRET_ARN must be set with KAFKA_AUTH_MODE=scram')
        return KafkaSettings(brokers, auth_mode, region, secret_arn)


def client_config(settings: KafkaSettings, client_id: str) -> dict[str, Any]:
    """What every client (consumer or producer) needs: brokers, TLS and SASL."""
    config: dict[str, Any] = {
        'bootstrap.servers': settings.brokers,
        'client.id': client_id,
        'security.protocol': SECURITY_PROTOCOL[settings.auth_mode],
    }
    if settings.auth_mode == 'scram':
        username, password = read_scram_credentials(settings.scram_secret_arn, settings.region)
        config.update({'sasl.mechanisms': 'SCRAM-SHA-512', 'sasl.username': username, 'sasl.password': password})
    elif settings.auth_mode == 'iam':
        config.update({'sasl.mechanisms': 'OAUTHBEARER', 'oauth_cb': iam_token_callback(settings.region)})
    return config


def producer_config(settings: KafkaSettings, client_id: str) -> dict[str, Any]:
    """Idempotent, acks=all, and keyed messages partitioned like Kafka's Java client (murmur2)."""
    return {
        **client_config(settings, client_id),
        'enable.idempotence': True,
        'acks': 'all',
        'partitioner': 'murmur2_random',
        'linger.ms': 5,
    }

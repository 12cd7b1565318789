"""SCRAM credentials from the Secrets Manager secret named by KAFKA_SCRAM_SECRET_ARN.

The secret holds JSON {"username": ..., "password": ...} (the format MSK uses). It is read once
per process; its values are never logged.
"""
import functools
import json

import boto3
from botocore.config import Config

from .env import ConfigError

_CLIENT_CONFIG = Config(connect_timeout=5, read_timeout=5, retries={'max_attempts': 3, 'mode': 'standard'})


@functools.cache
def read_scram_credentials(secret_arn: str, region: str) -> tuple[str, str]:
    client = boto3.client('secretsmanager', region_name=region, config=_CLIENT_CONFIG)
    secret = client.get_secret_value(SecretId=secret_arn).get('SecretString') or ''
    try:
        values = json.loads(secret)
    except json.JSONDecodeError:
        values = None
    if not isinstance(values, dict) or not all(isinstance(values.get(k), str) and values[k] for k in ('username', 'password')):
        raise ConfigError(f'the secret {secret_arn} (KAFKA_SCRAM_SECRET_ARN) must hold JSON {{"username","password"}}')
    return values['username'], values['password']

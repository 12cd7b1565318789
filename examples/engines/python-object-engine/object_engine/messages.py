"""The message contract: JSON Schemas (draft 2020-12) in schemas/, copied from the package's schemas/ folder.

Every message read is parsed and validated here, and every message written is validated before it
is produced, so a broken message never leaves the engine. `format: date-time` is checked as
RFC 3339 (jsonschema uses rfc3339-validator for it).
"""
import json
import re
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

SCHEMA_DIR = Path(__file__).parent / 'schemas'
# the Kafka key of every message of a stream, as the schemas define it
STREAM_ID_PATTERN = re.compile(
    json.loads((SCHEMA_DIR / 'stream-data.schema.json').read_text(encoding='utf-8'))['properties']['streamId']['pattern'])


class InvalidMessage(ValueError):
    """A record that breaks the message contract (the message says why)."""


def now_rfc3339() -> str:
    return datetime.now(timezone.utc).isoformat(timespec='milliseconds').replace('+00:00', 'Z')


class MessageValidator:
    """One validator per message type, compiled once from the schemas folder."""

    def __init__(self, schema_dir: Path = SCHEMA_DIR) -> None:
        self._validators: dict[str, Draft202012Validator] = {}
        for path in sorted(schema_dir.glob('*.schema.json')):
            schema = json.loads(path.read_text(encoding='utf-8'))
            Draft202012Validator.check_schema(schema)
            message_type = schema['properties']['type']['const']
            self._validators[message_type] = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
        if not self._validators:
            raise RuntimeError(f'no *.schema.json files in {schema_dir}')

    def parse(self, value: bytes | None, accepted_types: Iterable[str]) -> dict[str, Any]:
        """The record value as a valid message of one of accepted_types, or InvalidMessage."""
        if value is None:
            raise InvalidMessage('the record has no value')
        try:
            message = json.loads(value.decode('utf-8'))
        except UnicodeDecodeError:
            raise InvalidMessage('the value is not UTF-8 text') from None
        except json.JSONDecodeError as error:
            raise InvalidMessage(f'the value is not JSON: {error}') from None
        if not isinstance(message, dict):
            raise InvalidMessage('the value is not a JSON object')
        accepted = tuple(accepted_types)
        if message.get('type') not in accepted:
            raise InvalidMessage(f"type {message.get('type')!r} is not one of {', '.join(accepted)}")
        self.check(message)
        return message

    def check(self, message: dict[str, Any]) -> None:
        """Raises InvalidMessage naming the first problem when message breaks its type's schema."""
        validator = self._validators.get(str(message.get('type')))
        if validator is None:
            raise InvalidMessage(f"type {message.get('type')!r} has no schema")
        error = best_match(validator.iter_errors(message))
        if error is not None:
            where = '/'.join(str(part) for part in error.absolute_path) or '(the message)'
            raise InvalidMessage(f"{message['type']} invalid at {where}: {error.message}")

    def encode(self, message: dict[str, Any]) -> bytes:
        """The message as UTF-8 JSON, after checking it (what the engine writes must be valid too)."""
        self.check(message)
        return json.dumps(message, separators=(',', ':')).encode('utf-8')

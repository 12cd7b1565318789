"""
=====================================================================================
 YOUR MODEL GOES HERE. Everything in this file is a placeholder to replace.
=====================================================================================

The engine creates one StreamModel per task (one task = one stream) and calls `process` once per
`stream-data` message of the stream, in order. Whatever `process` returns becomes the `output`
of one `engine-output` message (any JSON object).

- Load weights in `__init__` (once per task), keep per-stream state on `self`.
- Raise StreamRejected when this stream can never be processed (an unsupported codec, a sample
  rate the model cannot take, ...): the engine commits what it did and exits 65; the Coordinator
  marks the stream failed and does not launch it again.
- Any other exception from `process` dead-letters that one stream-data message (with the error)
  and the engine goes on with the next.
- Keep one call shorter than the Coordinator's heartbeatTimeout: heartbeats are sent between calls.
"""
import hashlib
from typing import Any


class StreamRejected(Exception):
    """This stream can never be processed: the engine exits 65 (no relaunch)."""


class StreamModel:
    def __init__(self, stream_id: str) -> None:
        self.stream_id = stream_id  # PLACEHOLDER: load your model here

    def process(self, data: bytes, message: dict[str, Any]) -> dict[str, Any]:
        """data: the stream-data's bytes (base64-decoded); message: the whole stream-data message."""
        # PLACEHOLDER: an example of input a model can never take
        if not data:
            raise StreamRejected(f"stream-data seq {message['seq']} has no bytes: "
                                 'this placeholder cannot analyse an empty stream')
        # PLACEHOLDER: a deterministic stand-in for inference
        return {'seq': message['seq'], 'bytes': len(data), 'sha256': hashlib.sha256(data).hexdigest()}

"""
=====================================================================================
 YOUR MODEL GOES HERE. Everything in this file is a placeholder to replace.
=====================================================================================

The engine creates one ChunkModel per process and calls `analyse` once per `media-chunk`.

- Load weights in `__init__` (once per process).
- `analyse(chunk, data)`: data is the chunk's inline bytes (base64-decoded), or None when the
  chunk names a `uri` instead (s3://...: fetch it yourself, e.g. with boto3's S3 get_object; the
  task role needs s3:GetObject on it).
- Return a JSON object: a `chunk-result` with status `success` and it as `output`.
  Return None: status `ignored` (nothing to analyse in this chunk).
  Raise: status `error` with the exception as the error (the chunk is not retried).
- Keep one call well under max.poll.interval.ms (5 minutes): a slower engine loses its partitions.
"""
import hashlib
from typing import Any

LABELS = ('person', 'car', 'bicycle', 'dog', 'nothing')


class ChunkModel:
    def __init__(self) -> None:
        pass  # PLACEHOLDER: load your model here

    def analyse(self, chunk: dict[str, Any], data: bytes | None) -> dict[str, Any] | None:
        # PLACEHOLDER: a deterministic stand-in for inference (a label and a score from a digest)
        digest = hashlib.sha256(data if data is not None else chunk['uri'].encode('utf-8')).digest()
        return {'label': LABELS[digest[0] % len(LABELS)], 'score': round(digest[1] / 255, 3)}

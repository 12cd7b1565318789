"""How much the engine read for how much of its stream (read amplification), logged at exit.

Streams share partitions (key = stream id), so the engine reads other streams' records on its
partitions from its start position on and skips them; it never reads other partitions."""
from typing import Any


class ReadStats:
    def __init__(self) -> None:
        self.records = 0
        self.bytes = 0
        self.stream_records = 0
        self.stream_bytes = 0

    def count(self, record: Any, of_stream: bool) -> None:
        size = len(record.key() or b'') + len(record.value() or b'')
        self.records += 1
        self.bytes += size
        if of_stream:
            self.stream_records += 1
            self.stream_bytes += size

    def summary(self) -> dict[str, Any]:
        return {
            'recordsRead': self.records,
            'bytesRead': self.bytes,
            'streamRecords': self.stream_records,
            'streamBytes': self.stream_bytes,
            'skippedRecords': self.records - self.stream_records,
            'readAmplification': round(self.bytes / self.stream_bytes, 3) if self.stream_bytes else None,
        }

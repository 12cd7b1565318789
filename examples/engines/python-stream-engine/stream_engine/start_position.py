"""Where each of the stream's partitions is read from (engine contract, stream engines, rule 1):
the offset committed in ENGINE_CONSUMER_GROUP, else the first offset whose timestamp is at or
after ENGINE_START_TIMESTAMP_MS, else (nothing that recent yet) the partition's current end."""
from confluent_kafka import OFFSET_INVALID, Consumer, TopicPartition

from .config import StreamPartition
from .log import Log

TIMEOUT_S = 10


def start_positions(consumer: Consumer, partitions: list[StreamPartition], start_timestamp_ms: int,
                    log: Log) -> list[TopicPartition]:
    wanted = [TopicPartition(p.topic, p.partition) for p in partitions]
    committed = consumer.committed(wanted, timeout=TIMEOUT_S)
    positions = []
    for tp in committed:
        where = f'{tp.topic}:{tp.partition}'
        if tp.error is not None:
            raise RuntimeError(f'reading the committed offset of {where} failed: {tp.error}')
        if tp.offset != OFFSET_INVALID:
            log.info('start at the committed offset', partition=where, offset=tp.offset)
            positions.append(TopicPartition(tp.topic, tp.partition, tp.offset))
            continue
        [by_time] = consumer.offsets_for_times([TopicPartition(tp.topic, tp.partition, start_timestamp_ms)], timeout=TIMEOUT_S)
        if by_time.offset >= 0:
            log.info('start at the first offset at or after ENGINE_START_TIMESTAMP_MS', partition=where, offset=by_time.offset,
                     startTimestampMs=start_timestamp_ms)
            positions.append(TopicPartition(tp.topic, tp.partition, by_time.offset))
            continue
        # the end as a number, not OFFSET_END: a record produced after this lookup is still read
        _, high = consumer.get_watermark_offsets(TopicPartition(tp.topic, tp.partition), timeout=TIMEOUT_S, cached=False)
        log.info('nothing at or after ENGINE_START_TIMESTAMP_MS yet: start at the end', partition=where, offset=high,
                 startTimestampMs=start_timestamp_ms)
        positions.append(TopicPartition(tp.topic, tp.partition, high))
    return positions

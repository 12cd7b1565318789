/**
 * The lag one object engine's scaling sees, from what was read (offsets per partition, the
 * records probed at the partitions' read positions, the partitions' watches):
 * - a partition whose lag holds only transaction markers or aborted records has no lag;
 * - stuck partitions (persistent-lag.ts) are left out when `excludePersistentLag`, and counted;
 * - time lag is the age of the oldest record still to consume (with timeLagPerTask only).
 */
import { LagReading, PartitionLag } from './lag-reader';
import { PartitionWatches, watchPartitions } from './persistent-lag';
import { LagScalingConfig } from './pipeline-config';
import { probeKey, ProbeRequest, ProbeResult } from './record-probe';
import { LagInput } from './scaling-decision';

export interface EngineLag {
  /** What the scaling decision gets. */
  readonly input: LagInput;
  /** Records still to consume, stuck partitions included (the ConsumerLag metric). */
  readonly consumerLag: number;
  /** Stuck partitions, excluded or not (the StuckPartitions metric). */
  readonly stuck: number[];
  readonly watches: PartitionWatches;
}

/** What a probe told of a partition at one read position (kept between polls). */
export interface ProbedPosition {
  readonly from: number;
  readonly end: number;
  readonly result: ProbeResult;
}

/**
 * The partitions worth probing: those with lag whose answer is not known yet, and of those only
 * where it can change the decision. An answer holds while the read position does not move:
 * records to consume stay there (and so does the oldest one's timestamp), and "markers only"
 * holds until more is written; so each partition is read at most once per position. A partition
 * whose position moved since the previous poll is being consumed and has records: it is read
 * only for time lag (`timeLagPerTask`).
 */
export function partitionsToProbe(reading: LagReading, known: ReadonlyMap<number, ProbedPosition> | undefined,
  previousReadFrom: ReadonlyMap<number, number> | undefined, config: LagScalingConfig): ProbeRequest[] {
  const moving = (p: PartitionLag) => previousReadFrom?.has(p.partition) === true && previousReadFrom.get(p.partition) !== p.readFrom;
  return reading.partitions
    .filter((p) => p.lag > 0 && !stillHolds(known?.get(p.partition), p) && (config.timeLagPerTaskSeconds !== undefined || !moving(p)))
    .map((p) => ({ topic: reading.topic, topicId: reading.topicId, partition: p.partition, leader: p.leader, from: p.readFrom, end: p.endOffset }));
}

/** Whether an earlier answer still holds for the partition as read now. */
export function stillHolds(known: ProbedPosition | undefined, now: PartitionLag): known is ProbedPosition {
  return known !== undefined && known.from === now.readFrom && (known.result.pending || known.end === now.endOffset);
}

export function engineLag(reading: LagReading, probes: ReadonlyMap<string, ProbeResult>, previousWatches: PartitionWatches,
  tasksRunning: boolean, config: LagScalingConfig, now: number): EngineLag {
  const partitions = reading.partitions.map((p) => {
    const probe = probes.get(probeKey(reading.topic, p.partition, p.readFrom));
    return { partition: p.partition, position: p.committedOffset ?? -1, lag: probe?.pending === false ? 0 : p.lag, probe };
  });
  const { watches, stuck } = watchPartitions(previousWatches, partitions, tasksRunning, now, config.persistentLagAfterSeconds * 1000);
  const excluded = new Set(config.excludePersistentLag ? stuck : []);
  const driving = partitions.filter((p) => p.lag > 0 && !excluded.has(p.partition));
  const ages = driving.flatMap((p) => (p.probe?.pending ? [Math.max(0, now - p.probe.oldestTimestamp) / 1000] : []));
  return {
    input: {
      totalLag: driving.reduce((sum, p) => sum + p.lag, 0),
      partitions: reading.partitionCount,
      partitionsWithLag: driving.length,
      stuckPartitions: excluded.size,
      timeLagSeconds: config.timeLagPerTaskSeconds === undefined ? undefined : timeLag(driving.length, ages),
    },
    consumerLag: partitions.reduce((sum, p) => sum + p.lag, 0),
    stuck,
    watches,
  };
}

/** 0 with nothing to consume; the oldest age read; undefined when no probed partition could tell. */
function timeLag(drivingPartitions: number, ages: number[]): number | undefined {
  if (drivingPartitions === 0) return 0;
  return ages.length > 0 ? Math.max(...ages) : undefined;
}

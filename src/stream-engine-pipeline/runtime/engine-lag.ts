/**
 * The lag one object engine's scaling sees, from what was read (offsets per partition, the
 * records probed at the partitions' read positions, the partitions' watches):
 * - a partition whose lag holds only transaction markers or aborted records has no lag;
 * - stuck partitions (persistent-lag.ts) are left out when `excludePersistentLag`, and counted;
 * - time lag is the age of the oldest record still to consume (with timeLagPerTask only).
 */
import { LagReading } from './lag-reader';
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

/**
 * The partitions worth probing: with time lag, every partition with lag; otherwise those whose
 * read position has not moved since the previous poll (or is not known), where markers alone may
 * make the lag. A partition being consumed moves, and is not read.
 */
export function partitionsToProbe(reading: LagReading, previousReadFrom: ReadonlyMap<number, number> | undefined,
  config: LagScalingConfig): ProbeRequest[] {
  return reading.partitions
    .filter((p) => p.lag > 0 && (config.timeLagPerTaskSeconds !== undefined || previousReadFrom?.get(p.partition) !== p.readFrom))
    .map((p) => ({ topic: reading.topic, topicId: reading.topicId, partition: p.partition, leader: p.leader, from: p.readFrom, end: p.endOffset }));
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

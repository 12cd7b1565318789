/**
 * Persistent lag: a partition is stuck when its consumer position has not moved for
 * `afterMs` while it had lag and the engine had running tasks (a record the engine cannot get
 * past, a consumer that never gets or never commits the partition). A pure function: the caller
 * keeps the watches between polls (the registry table keeps them between runs).
 *
 * - The position is the committed offset, or -1 while the group has none: a partition the group
 *   never committed that keeps its lag while tasks run is stuck too (KEDA #5906).
 * - Only time with running tasks counts: at zero tasks nothing consumes, so nothing is stuck.
 * - A stuck partition stays stuck until its position moves (the engine got past it, or an
 *   operator moved the group's offset), whatever the task count does meanwhile.
 */

/** What is remembered of one partition whose position has not moved. */
export interface PartitionWatch {
  /** The position first seen (committed offset, or -1). */
  readonly position: number;
  /** Epoch ms since which it has not moved while it had lag and tasks ran. */
  readonly since: number;
  readonly stuck?: boolean;
}

/** Watches by partition number (a JSON object, as the registry table stores it). */
export type PartitionWatches = Readonly<Record<string, PartitionWatch>>;

export interface PartitionProgress {
  readonly partition: number;
  /** Committed offset, or -1 when the group has none on the partition. */
  readonly position: number;
  readonly lag: number;
}

export interface WatchResult {
  readonly watches: PartitionWatches;
  /** Stuck partitions, in partition order. */
  readonly stuck: number[];
}

export function watchPartitions(previous: PartitionWatches, partitions: readonly PartitionProgress[],
  tasksRunning: boolean, now: number, afterMs: number): WatchResult {
  const watches: Record<string, PartitionWatch> = {};
  const stuck: number[] = [];
  for (const { partition, position, lag } of partitions) {
    if (lag <= 0) continue;
    const before = previous[String(partition)];
    let watch: PartitionWatch | undefined;
    if (before && before.position === position && (before.stuck || tasksRunning)) {
      watch = before.stuck || now - before.since < afterMs ? before : { ...before, stuck: true };
    } else if (tasksRunning) {
      watch = { position, since: now };
    }
    if (watch) {
      watches[String(partition)] = watch;
      if (watch.stuck) stuck.push(partition);
    }
  }
  return { watches, stuck };
}

/**
 * The watches worth keeping across runs: those that survived at least one poll (a partition that
 * moves at every poll gets a fresh watch each time, which is not worth a write) and stuck ones.
 */
export function lastingWatches(watches: PartitionWatches, now: number): PartitionWatches {
  return Object.fromEntries(Object.entries(watches).filter(([, w]) => w.stuck || w.since < now));
}

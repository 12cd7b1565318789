/**
 * The registry table of a pipeline, in one place: its key layout, the keys of every kind of
 * item and the items' shapes as the DocumentClient reads and writes them. The construct reads
 * the key and TTL attribute names from here too, so this file imports types only.
 *
 * | item            | pk                   | sk                          | written by                       |
 * |-----------------|----------------------|-----------------------------|----------------------------------|
 * | open stream     | `queue`              | `<arrival key>#<streamId>`  | Coordinator (stream-registry.ts) |
 * | stream pointer  | `stream#<streamId>`  | `stream`                    | Coordinator (stream-registry.ts) |
 * | scheduler lease | `scheduler`          | `lease`                     | Coordinator (scheduler-lease.ts) |
 * | scaler state    | `scaler`             | `engine#<name>`             | lag scaler (lag-scaler.ts)       |
 * | scaler lease    | `scaler`             | `lease`                     | lag scaler (scaler-lease.ts)     |
 *
 * Every open stream lives in the one `queue` partition, sorted by arrival, so one strongly
 * consistent Query gives the scheduler the whole queue in order; its whole state (and each of its
 * engines' launches) is one item, so every change to a stream is one conditional write. The
 * pointer finds a stream's queue item from its id and keeps the outcome after the stream leaves
 * the queue (with `expiresAt`, the table's TTL attribute).
 */
import type { PartitionWatches } from './persistent-lag';
import type { ScalerState } from './scaling-decision';

export const REGISTRY_PARTITION_KEY = 'pk';
export const REGISTRY_SORT_KEY = 'sk';
/** Epoch seconds: closed stream pointers expire. */
export const REGISTRY_TTL_ATTRIBUTE = 'expiresAt';

export interface RegistryKey {
  readonly pk: string;
  readonly sk: string;
}

export const QUEUE_PK = 'queue';

/**
 * Arrival order of a stream-init: its Kafka timestamp, then partition and offset (zero-padded,
 * so the sort key sorts as the records arrived).
 */
export function arrivalKey(timestampMs: number, partition: number, offset: number): string {
  return `${String(Math.max(0, Math.floor(timestampMs))).padStart(15, '0')}.${String(partition).padStart(4, '0')}.${String(offset).padStart(20, '0')}`;
}

export function queueKey(arrival: string, streamId: string): RegistryKey {
  return { pk: QUEUE_PK, sk: `${arrival}#${streamId}` };
}

export function streamPointerKey(streamId: string): RegistryKey {
  return { pk: `stream#${streamId}`, sk: 'stream' };
}

export function schedulerLeaseKey(): RegistryKey {
  return { pk: 'scheduler', sk: 'lease' };
}

export function scalerStateKey(engine: string): RegistryKey {
  return { pk: 'scaler', sk: `engine#${engine}` };
}

export function scalerLeaseKey(): RegistryKey {
  return { pk: 'scaler', sk: 'lease' };
}

/** Where a stream is: waiting for a slot, running (holds a slot), or one of the ends. */
export type StreamStatus = 'waiting' | 'running' | 'finished' | 'expired' | 'failed';
export const TERMINAL_STREAM_STATUSES: readonly StreamStatus[] = ['finished', 'expired', 'failed'];

/**
 * One engine of one stream. `launching`: a RunTask for launch `launches + 1` may have started a
 * task (ListTasks by `startedBy`, and the same client token, find it); `running`: `taskArn` runs;
 * `stopping`: the Coordinator asked ECS to stop it (`stopIntent` says why).
 */
export type JobState = 'waiting' | 'launching' | 'running' | 'stopping' | 'finished' | 'failed' | 'expired';

export type StopIntent = 'end-grace' | 'max-duration' | 'heartbeat';

export interface StoppedFact {
  /** Epoch ms. */
  readonly at: number;
  /** Exit code of the engine's container, when ECS reported one. */
  readonly exitCode?: number;
  /** ECS stop code and reason, for people. */
  readonly reason: string;
}

export interface EngineJob {
  readonly state: JobState;
  /** Tasks started so far for this engine and stream (maxLaunchAttempts counts these). */
  readonly launches: number;
  /** Moves on when a RunTask answer proves it started nothing, so the next call gets a fresh client token. */
  readonly tokenGeneration: number;
  /** RunTask calls that failed in a row (back-off). */
  readonly launchFailures: number;
  /** Epoch ms before which no launch is tried (back-off). */
  readonly notBefore?: number;
  readonly taskArn?: string;
  /** The last part of taskArn: heartbeats name it. */
  readonly taskId?: string;
  /** Epoch ms the current task was started. */
  readonly launchedAt?: number;
  readonly lastHeartbeatAt?: number;
  readonly stopIntent?: StopIntent;
  /** Epoch ms the Coordinator last asked ECS to stop the task. */
  readonly stopRequestedAt?: number;
  /** What ECS reported about the current task's stop (an event, or DescribeTasks). */
  readonly stopped?: StoppedFact;
  readonly reason?: string;
}

/** An open stream (the `queue` partition). */
export interface StreamItem extends RegistryKey {
  readonly streamId: string;
  /** 1 for the first stream-init; +1 for each stream-init that reopens an expired or failed stream. */
  readonly generation: number;
  /** Epoch ms of the stream-init record. */
  readonly arrivedAt: number;
  readonly status: StreamStatus;
  /** True from the moment the scheduler gives the stream one of the maxConcurrentStreams slots until it ends. */
  readonly slot: boolean;
  /** Epoch ms the first task of the stream started. */
  readonly startedAt?: number;
  /** Epoch ms the end-of-stream arrived. */
  readonly endedAt?: number;
  readonly jobs: Readonly<Record<string, EngineJob>>;
  readonly reason?: string;
  /** Statuses already told to producers on the results topic. */
  readonly published: readonly StreamStatus[];
  /** Optimistic lock: every write is conditional on it. */
  readonly version: number;
}

/** Finds a stream's queue item; after the stream closes, keeps its outcome. */
export interface StreamPointerItem extends RegistryKey {
  readonly streamId: string;
  readonly generation: number;
  /** The sort key of the stream's queue item. */
  readonly queueSk: string;
  /** `open` while the queue item exists. */
  readonly status: 'open' | 'finished' | 'expired' | 'failed';
  readonly reason?: string;
  readonly expiresAt?: number;
}

/** One scheduler pass at a time; `dirty` tells the holder that something changed while it ran. */
export interface SchedulerLeaseItem extends RegistryKey {
  readonly holder?: string;
  /** Epoch ms. */
  readonly leaseUntil?: number;
  /** Counts the changes event handlers made to the queue. */
  readonly dirty?: number;
}

/** The lag scaler's memory of one object engine, and what it last did. */
export interface ScalerStateItem extends RegistryKey, ScalerState {
  /** Partitions whose position has not moved (persistent-lag.ts), by partition number. */
  readonly partitions?: PartitionWatches;
  /** The lease epoch of the run that wrote it: a run never overwrites what a newer run wrote. */
  readonly runEpoch?: number;
  /** Epoch ms of the poll that wrote it. */
  readonly updatedAt: number;
  readonly reason: string;
  readonly desiredCount?: number;
  readonly lag?: number;
}

/** Which run of the lag scaler polls: the newest takes over, an older one stops at its next poll. */
export interface ScalerLeaseItem extends RegistryKey {
  /** The holding run (its Lambda request id). */
  readonly holder: string;
  /** Newer runs have higher epochs (epoch ms of the schedule event that started the run). */
  readonly epoch: number;
  /** Epoch ms the holder took it. */
  readonly takenAt: number;
}

/**
 * The registry table of a pipeline, in one place: its key layout, the keys of every kind of
 * item and the items' shapes as the DocumentClient reads and writes them. The construct reads
 * the key and TTL attribute names from here too, so this file imports types only.
 *
 * | item              | pk                    | sk                 | written by                        |
 * |-------------------|-----------------------|--------------------|-----------------------------------|
 * | stream claim      | `stream#<streamId>`   | `stream`           | Coordinator (stream-registry.ts)  |
 * | stream x engine   | `stream#<streamId>`   | `engine#<name>`    | Coordinator (stream-registry.ts)  |
 * | active counter    | `streams`             | `active`           | Coordinator (stream-registry.ts)  |
 * | scaler state      | `scaler`              | `engine#<name>`    | lag scaler (lag-scaler.ts)        |
 *
 * Finished stream records carry `expiresAt` (epoch seconds), the table's TTL attribute.
 */
import type { ScalerState } from './scaling-decision';

export const REGISTRY_PARTITION_KEY = 'pk';
export const REGISTRY_SORT_KEY = 'sk';
/** Epoch seconds: finished stream records expire. */
export const REGISTRY_TTL_ATTRIBUTE = 'expiresAt';

export interface RegistryKey {
  readonly pk: string;
  readonly sk: string;
}

export function streamClaimKey(streamId: string): RegistryKey {
  return { pk: `stream#${streamId}`, sk: 'stream' };
}

export function streamEngineKey(streamId: string, engine: string): RegistryKey {
  return { pk: `stream#${streamId}`, sk: `engine#${engine}` };
}

export function activeCounterKey(): RegistryKey {
  return { pk: 'streams', sk: 'active' };
}

export function scalerStateKey(engine: string): RegistryKey {
  return { pk: 'scaler', sk: `engine#${engine}` };
}

export type StreamStatus = 'claimed' | 'active' | 'rejected' | 'finished';
export type EngineStatus = 'launching' | 'running' | 'rejected' | 'failed' | 'finished' | 'stopped';

/** One per stream: who claimed it, for which engines, and how many of them are still open. */
export interface StreamClaimItem extends RegistryKey {
  readonly streamId: string;
  readonly status: StreamStatus;
  /** The Kafka record that claimed it: `<topic>/<partition>/<offset>`. */
  readonly owner: string;
  readonly engines: string[];
  /** Engines not yet released; the release that brings it to 0 gives the slot back. */
  readonly open: number;
  /** ISO 8601. */
  readonly claimedAt: string;
  readonly reason?: string;
  readonly finishedAt?: string;
  readonly expiresAt?: number;
}

/** One per stream and stream engine: the launch and its end. */
export interface StreamEngineItem extends RegistryKey {
  readonly streamId: string;
  readonly engine: string;
  readonly status: EngineStatus;
  readonly owner?: string;
  readonly claimedAt?: string;
  readonly taskArn?: string;
  /** RunTask calls it took. */
  readonly attempts?: number;
  readonly startedAt?: string;
  /** Set once, by the call that released this engine's share of the slot. */
  readonly released?: boolean;
  readonly reason?: string;
  readonly stoppedReason?: string;
  readonly stoppedAt?: string;
  readonly finishedAt?: string;
  readonly expiresAt?: number;
}

/** Streams holding a slot. */
export interface ActiveCounterItem extends RegistryKey {
  readonly active: number;
}

/** The lag scaler's memory of one object engine, and what it last did. */
export interface ScalerStateItem extends RegistryKey, ScalerState {
  /** Epoch ms of the poll that wrote it. */
  readonly updatedAt: number;
  readonly reason: string;
  readonly desiredCount?: number;
  readonly lag?: number;
}

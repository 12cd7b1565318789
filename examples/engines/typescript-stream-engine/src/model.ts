/**
 * ============================ THE MODEL: PUT YOURS HERE ============================
 *
 * This file is the placeholder a team replaces with its engine's work; the rest of the template
 * (reading the stream, validation, outputs, offsets, heartbeats, dead letters, SIGTERM) stays.
 *
 * - `createModel(streamId)` is called once per task, before the first record: load weights,
 *   open sessions, allocate per-stream state here.
 * - `process(bytes, piece)` is called for each `stream-data` message of the stream, in order, with
 *   its decoded bytes; what it returns becomes one `engine-output` message (its `output`, and
 *   optionally the span of the stream it covers).
 * - `finish()` is called once at `end-of-stream`, before the engine exits 0.
 * - Throw `StreamRejected` when this stream can never be processed (an unsupported codec, a
 *   corrupt header): the engine exits 65 and the Coordinator marks the stream failed without
 *   relaunching it. Any other error makes that record poison for the model: it goes to the
 *   dead-letter topic (with the error) and the stream goes on; retry transient failures inside
 *   `process`. An error in `createModel` crashes the task (exit 1): the Coordinator launches it
 *   again (up to maxLaunchAttempts) and the new task resumes from the last committed record.
 * - Keep the event loop free: run CPU-heavy inference in a worker thread, a child process or a
 *   native addon that works off the main thread, or heartbeats stop and the task is replaced.
 *
 * The placeholder below fingerprints each piece's bytes, and rejects a stream whose piece has no
 * bytes (to show StreamRejected). PLACEHOLDER_MODEL_DELAY_MS simulates inference time.
 * =====================================================================================
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StreamDataMessage } from './messages.js';

/** Thrown by the model when this stream can never be processed: the engine exits 65. */
export class StreamRejected extends Error {
  override readonly name = 'StreamRejected';
}

export interface ModelResult {
  /** The engine-specific result: goes into the engine-output's `output`. */
  readonly output: Record<string, unknown>;
  /** The span of the stream it covers, in ms from the stream's start (optional). */
  readonly startOffsetMs?: number;
  readonly endOffsetMs?: number;
}

export interface StreamModel {
  process(bytes: Buffer, piece: StreamDataMessage): Promise<ModelResult>;
  finish(): Promise<void>;
}

export async function createModel(streamId: string): Promise<StreamModel> {
  const delayMs = Number(process.env.PLACEHOLDER_MODEL_DELAY_MS ?? 0);
  let totalBytes = 0;
  return {
    async process(bytes, piece) {
      if (bytes.length === 0) {
        throw new StreamRejected(`stream ${streamId}: stream-data seq ${piece.seq} has no bytes; this model cannot process the stream`);
      }
      if (delayMs > 0) {
        await sleep(delayMs);
      }
      totalBytes += bytes.length;
      return {
        output: { seq: piece.seq, bytes: bytes.length, totalBytes, sha256: createHash('sha256').update(bytes).digest('hex').slice(0, 16) },
        startOffsetMs: piece.offsetMs,
      };
    },
    async finish() {
      // release what createModel acquired
    },
  };
}

/**
 * ============================ THE MODEL: PUT YOURS HERE ============================
 *
 * This file is the placeholder a team replaces with its engine's work; the rest of the template
 * (the consumer group, validation, results, commits, heartbeats, dead letters, SIGTERM) stays.
 *
 * - `createModel()` is called once per task, before the first chunk: load weights here.
 * - `process(chunk)` is called for each valid `media-chunk` (inline `data` in base64, or a `uri`
 *   such as s3://... to fetch). Return `{ status: 'success', output }` (output goes into the
 *   chunk-result) or `{ status: 'ignored' }` for a chunk this engine does not handle. A thrown
 *   error becomes a chunk-result with status `error` (code MODEL_ERROR) and the engine goes on:
 *   retry transient failures (a throttled download) inside `process`.
 * - Keep the event loop free: run CPU-heavy inference in a worker thread, a child process or a
 *   native addon that works off the main thread, or the group's session times out.
 *
 * The placeholder below "detects" a stable label and score from the chunk's ids (no AI), ignores
 * chunks that are neither image nor video, and PLACEHOLDER_MODEL_DELAY_MS simulates inference time.
 * =====================================================================================
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { MediaChunkMessage } from './messages.js';

export type ChunkOutcome =
  | { readonly status: 'success'; readonly output: Record<string, unknown> }
  | { readonly status: 'ignored' };

export interface ObjectModel {
  process(chunk: MediaChunkMessage): Promise<ChunkOutcome>;
}

const LABELS = ['person', 'car', 'bicycle', 'dog', 'nothing'];

export async function createModel(): Promise<ObjectModel> {
  const delayMs = Number(process.env.PLACEHOLDER_MODEL_DELAY_MS ?? 0);
  return {
    async process(chunk) {
      if (!/^(image|video)\//.test(chunk.mimeType)) {
        return { status: 'ignored' };
      }
      if (delayMs > 0) {
        await sleep(delayMs);
      }
      const digest = createHash('sha256').update(`${chunk.streamId}/${chunk.chunkId}`).digest();
      return { status: 'success', output: { label: LABELS[digest[0] % LABELS.length], score: Math.round((digest[1] / 255) * 1000) / 1000 } };
    },
  };
}

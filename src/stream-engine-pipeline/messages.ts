/**
 * The message contract engines speak on the pipeline's topics (the article's "number of
 * message formats"). Every message is a JSON object with `type`, `version` and `streamId`;
 * every message of one stream is produced with the stream id as its Kafka key, so one consumer
 * receives the whole stream, in order. JSON Schemas of these types ship in the package under
 * `schemas/`, so engines in any language can validate what they read and write.
 *
 * GENERATED from schemas/*.schema.json by scripts/messages/generate.ts: do not edit, change the
 * schema and run the script (test/stream-engine-pipeline/messages.test.ts fails when this file is
 * stale). Rules across fields (oneOf, if/then) are in the descriptions; the validator checks them.
 *
 * Runtime code only: these TypeScript types are not part of the jsii API (other languages read
 * the JSON Schemas).
 */

export const MESSAGE_VERSION = 1;

/**
 * Results topic: what an object engine made of one media chunk. output is set when status is
 * success, error when status is error.
 */
export interface ChunkResultMessage {
  readonly type: 'chunk-result';
  /** Contract version; a consumer rejects versions it does not know. */
  readonly version: 1;
  /**
   * Kafka key of every message of the stream. 1-128 characters: letters, digits, '.', '_', ':', '-'
   * (it becomes part of a consumer group id, a DynamoDB key and an ECS tag), starting with a letter
   * or digit.
   */
  readonly streamId: string;
  readonly chunkId: string;
  readonly engine: string;
  /** ISO 8601 / RFC 3339 timestamp, e.g. 2026-03-10T08:00:00Z. */
  readonly at: string;
  readonly status: 'success' | 'error' | 'ignored';
  /** Engine-specific result; required when status is success. */
  readonly output?: Record<string, unknown>;
  /** What went wrong; required when status is error. */
  readonly error?: {
    readonly code: string;
    readonly message: string;
  };
}

/** Control topic (and raw stream topic): the stream is over. */
export interface EndOfStreamMessage {
  readonly type: 'end-of-stream';
  /** Contract version; a consumer rejects versions it does not know. */
  readonly version: 1;
  /**
   * Kafka key of every message of the stream. 1-128 characters: letters, digits, '.', '_', ':', '-'
   * (it becomes part of a consumer group id, a DynamoDB key and an ECS tag), starting with a letter
   * or digit.
   */
  readonly streamId: string;
  /** The seq of the last stream-data message, or -1 when none was sent. */
  readonly lastSeq: number;
  /** ISO 8601 / RFC 3339 timestamp, e.g. 2026-03-10T08:00:00Z. */
  readonly at: string;
  readonly reason: 'completed' | 'source-closed' | 'error';
}

/** Results topic: what a stream engine found, as it goes. */
export interface EngineOutputMessage {
  readonly type: 'engine-output';
  /** Contract version; a consumer rejects versions it does not know. */
  readonly version: 1;
  /**
   * Kafka key of every message of the stream. 1-128 characters: letters, digits, '.', '_', ':', '-'
   * (it becomes part of a consumer group id, a DynamoDB key and an ECS tag), starting with a letter
   * or digit.
   */
  readonly streamId: string;
  readonly engine: string;
  /** ISO 8601 / RFC 3339 timestamp, e.g. 2026-03-10T08:00:00Z. */
  readonly at: string;
  readonly startOffsetMs?: number;
  readonly endOffsetMs?: number;
  /** Engine-specific result: transcript, detected objects, ... */
  readonly output: Record<string, unknown>;
}

/**
 * An engine is alive. Stream engines send it to the control topic (keyed by streamId) at least
 * every ENGINE_HEARTBEAT_INTERVAL_SECONDS while they work; the Coordinator stops and relaunches a
 * task whose heartbeats stop for heartbeatTimeout. Object engines may send it to the results topic,
 * without streamId.
 */
export interface HeartbeatMessage {
  readonly type: 'heartbeat';
  /** Contract version; a consumer rejects versions it does not know. */
  readonly version: 1;
  /**
   * The stream a stream engine works on; omitted by object engines. Kafka key of every message of
   * the stream. 1-128 characters: letters, digits, '.', '_', ':', '-' (it becomes part of a
   * consumer group id, a DynamoDB key and an ECS tag), starting with a letter or digit.
   */
  readonly streamId?: string;
  readonly engine: string;
  /**
   * The ECS task id (the last part of the task ARN): heartbeats of an earlier task of the same
   * stream are told apart by it.
   */
  readonly taskId?: string;
  /** ISO 8601 / RFC 3339 timestamp, e.g. 2026-03-10T08:00:00Z. */
  readonly at: string;
  /** Messages handled since the previous heartbeat. */
  readonly processed?: number;
}

/**
 * Objects topic: an object cut from a stream (a frame, an audio or video chunk). Exactly one of
 * data (inline base64) and uri (s3://...).
 */
export interface MediaChunkMessage {
  readonly type: 'media-chunk';
  /** Contract version; a consumer rejects versions it does not know. */
  readonly version: 1;
  /**
   * Kafka key of every message of the stream. 1-128 characters: letters, digits, '.', '_', ':', '-'
   * (it becomes part of a consumer group id, a DynamoDB key and an ECS tag), starting with a letter
   * or digit.
   */
  readonly streamId: string;
  /** Unique within the stream. */
  readonly chunkId: string;
  readonly seq: number;
  readonly startOffsetMs: number;
  readonly endOffsetMs: number;
  readonly mimeType: string;
  /** Inline bytes (base64) for small objects. Exactly one of data and uri. */
  readonly data?: string;
  /** Where a larger object is stored (s3://...). Exactly one of data and uri. */
  readonly uri?: string;
}

/** Raw stream topic: one piece of the raw stream, in order. */
export interface StreamDataMessage {
  readonly type: 'stream-data';
  /** Contract version; a consumer rejects versions it does not know. */
  readonly version: 1;
  /**
   * Kafka key of every message of the stream. 1-128 characters: letters, digits, '.', '_', ':', '-'
   * (it becomes part of a consumer group id, a DynamoDB key and an ECS tag), starting with a letter
   * or digit.
   */
  readonly streamId: string;
  /** 0, 1, 2, ... per stream. */
  readonly seq: number;
  /** Position in the stream in milliseconds, when the source has one. */
  readonly offsetMs?: number;
  /** Base64 of the raw bytes. */
  readonly data: string;
}

/**
 * Control topic: a new stream is starting; the Coordinator launches its stream engines (one Fargate
 * task per stream and engine).
 */
export interface StreamInitMessage {
  readonly type: 'stream-init';
  /** Contract version; a consumer rejects versions it does not know. */
  readonly version: 1;
  /**
   * Kafka key of every message of the stream. 1-128 characters: letters, digits, '.', '_', ':', '-'
   * (it becomes part of a consumer group id, a DynamoDB key and an ECS tag), starting with a letter
   * or digit.
   */
  readonly streamId: string;
  /** ISO 8601 / RFC 3339 timestamp, e.g. 2026-03-10T08:00:00Z. */
  readonly createdAt: string;
  /** Where the stream comes from: pushed by a device, or pulled from a URI. */
  readonly source: {
    readonly kind: 'push' | 'pull';
    readonly uri?: string;
  };
  readonly mediaType?: string;
  /** Stream engines to launch; omitted = every stream engine of the pipeline. */
  readonly engines?: string[];
  readonly metadata?: Record<string, string>;
}

/**
 * Results topic, written by the Coordinator: where a stream is in its lifecycle, for the producer
 * that sent its stream-init. Sent at least once per status (a repeat carries the same statusId, so
 * a consumer can drop duplicates).
 */
export interface StreamStatusMessage {
  readonly type: 'stream-status';
  /** Contract version; a consumer rejects versions it does not know. */
  readonly version: 1;
  /**
   * Kafka key of every message of the stream. 1-128 characters: letters, digits, '.', '_', ':', '-'
   * (it becomes part of a consumer group id, a DynamoDB key and an ECS tag), starting with a letter
   * or digit.
   */
  readonly streamId: string;
  /**
   * waiting: no slot is free (maxConcurrentStreams), the stream's data waits in Kafka; running: its
   * engines were launched; finished: every engine finished; expired: it waited longer than
   * maxStreamWait and was not launched (send its stream-init again to retry); failed: an engine
   * could not run it to the end (see reason; send its stream-init again to retry).
   */
  readonly status: 'waiting' | 'running' | 'finished' | 'expired' | 'failed';
  /**
   * Unique per stream, status and stream-init generation: repeats of one status carry the same
   * statusId.
   */
  readonly statusId: string;
  /** ISO 8601 / RFC 3339 timestamp, e.g. 2026-03-10T08:00:00Z. */
  readonly at: string;
  /** The stream engines of the stream. */
  readonly engines?: string[];
  /** Why the stream expired or failed. */
  readonly reason?: string;
}

export type PipelineMessage =
  | ChunkResultMessage
  | EndOfStreamMessage
  | EngineOutputMessage
  | HeartbeatMessage
  | MediaChunkMessage
  | StreamDataMessage
  | StreamInitMessage
  | StreamStatusMessage;

export type PipelineMessageType = PipelineMessage['type'];

export const MESSAGE_TYPES: readonly PipelineMessageType[] = [
  'chunk-result',
  'end-of-stream',
  'engine-output',
  'heartbeat',
  'media-chunk',
  'stream-data',
  'stream-init',
  'stream-status',
];

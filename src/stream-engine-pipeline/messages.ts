/**
 * The message contract engines speak on the pipeline's topics (the article's "number of
 * message formats"). Every message is a JSON object with `type`, `version` and `streamId`;
 * every message of one stream is produced with the stream id as its Kafka key, so one consumer
 * receives the whole stream, in order. JSON Schemas of these types ship in the package under
 * `schemas/`, so engines in any language can validate what they read and write.
 *
 * Runtime code only: these TypeScript types are not part of the jsii API (other languages read
 * the JSON Schemas).
 */

export const MESSAGE_VERSION = 1;

/** Control topic: a new stream is starting; the Coordinator launches its stream engines. */
export interface StreamInitMessage {
  readonly type: 'stream-init';
  readonly version: 1;
  readonly streamId: string;
  /** ISO 8601 */
  readonly createdAt: string;
  /** Where the stream comes from: pushed by a device, or pulled from a URI. */
  readonly source: { readonly kind: 'push' | 'pull'; readonly uri?: string };
  readonly mediaType?: string;
  /** Stream engines to launch; omitted = every stream engine of the pipeline. */
  readonly engines?: string[];
  readonly metadata?: Record<string, string>;
}

/** Raw stream topic: one piece of the raw stream, in order. */
export interface StreamDataMessage {
  readonly type: 'stream-data';
  readonly version: 1;
  readonly streamId: string;
  /** 0, 1, 2, ... per stream */
  readonly seq: number;
  /** Position in the stream in milliseconds, when the source has one. */
  readonly offsetMs?: number;
  /** Base64 of the raw bytes. */
  readonly data: string;
}

/** Control topic (and raw stream topic): the stream is over. */
export interface EndOfStreamMessage {
  readonly type: 'end-of-stream';
  readonly version: 1;
  readonly streamId: string;
  /** The seq of the last stream-data message, or -1 when none was sent. */
  readonly lastSeq: number;
  readonly at: string;
  readonly reason: 'completed' | 'source-closed' | 'error';
}

/** Objects topic: an object cut from a stream (a frame, an audio or video chunk). */
export interface MediaChunkMessage {
  readonly type: 'media-chunk';
  readonly version: 1;
  readonly streamId: string;
  /** Unique within the stream. */
  readonly chunkId: string;
  readonly seq: number;
  readonly startOffsetMs: number;
  readonly endOffsetMs: number;
  readonly mimeType: string;
  /** Inline bytes (base64) for small objects... */
  readonly data?: string;
  /** ...or where larger ones are stored (s3://...). Exactly one of data and uri. */
  readonly uri?: string;
}

/** Results topic: what a stream engine found, as it goes. */
export interface EngineOutputMessage {
  readonly type: 'engine-output';
  readonly version: 1;
  readonly streamId: string;
  readonly engine: string;
  readonly at: string;
  readonly startOffsetMs?: number;
  readonly endOffsetMs?: number;
  /** Engine-specific result: transcript, detected objects, ... */
  readonly output: Record<string, unknown>;
}

/** Results topic: what an object engine made of one media chunk. */
export interface ChunkResultMessage {
  readonly type: 'chunk-result';
  readonly version: 1;
  readonly streamId: string;
  readonly chunkId: string;
  readonly engine: string;
  readonly at: string;
  readonly status: 'success' | 'error' | 'ignored';
  /** Set when status is success. */
  readonly output?: Record<string, unknown>;
  /** Set when status is error. */
  readonly error?: { readonly code: string; readonly message: string };
}

/** Results topic: an engine is alive (sent at least every 30 s while it works). */
export interface HeartbeatMessage {
  readonly type: 'heartbeat';
  readonly version: 1;
  /** The stream a stream engine works on; omitted by object engines. */
  readonly streamId?: string;
  readonly engine: string;
  readonly taskId?: string;
  readonly at: string;
  /** Messages handled since the previous heartbeat. */
  readonly processed?: number;
}

export type PipelineMessage =
  | StreamInitMessage
  | StreamDataMessage
  | EndOfStreamMessage
  | MediaChunkMessage
  | EngineOutputMessage
  | ChunkResultMessage
  | HeartbeatMessage;

export type PipelineMessageType = PipelineMessage['type'];

export const MESSAGE_TYPES: readonly PipelineMessageType[] = [
  'stream-init', 'stream-data', 'end-of-stream', 'media-chunk', 'engine-output', 'chunk-result', 'heartbeat',
];

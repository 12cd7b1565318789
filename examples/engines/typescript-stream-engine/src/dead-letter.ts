/**
 * A poison record (not JSON, breaking its schema, or of a type this engine does not read) goes to
 * ENGINE_DEAD_LETTER_TOPIC with its ORIGINAL key and value bytes and headers, plus headers saying
 * why and where it came from; then the engine commits it and goes on.
 */
import type { OutgoingMessage } from './producer.js';

export interface SourceRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: ReadonlyArray<readonly [Buffer | null, Buffer | null]> | ReadonlyMap<Buffer, Buffer>;
}

const MAX_ERROR_LENGTH = 1000;

export function deadLetter(topic: string, engine: string, record: SourceRecord, error: string): OutgoingMessage {
  const headers = new Map<Buffer, Buffer>();
  for (const [name, value] of record.headers) {
    if (name) {
      headers.set(name, value ?? Buffer.alloc(0));
    }
  }
  const added: Record<string, string> = {
    'dead-letter.error': error.slice(0, MAX_ERROR_LENGTH),
    'dead-letter.engine': engine,
    'dead-letter.source-topic': record.topic,
    'dead-letter.source-partition': String(record.partition),
    'dead-letter.source-offset': String(record.offset),
  };
  for (const [name, value] of Object.entries(added)) {
    headers.set(Buffer.from(name), Buffer.from(value));
  }
  return { topic, key: record.key ?? undefined, value: record.value ?? undefined, headers };
}

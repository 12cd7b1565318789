/**
 * What the Coordinator writes to Kafka: `stream-status` messages on the results topic (what
 * producers see of their streams) and poison control messages, copied with their original
 * bytes to the dead-letter topic. The Lambda sends them with a Kafka producer
 * (coordinator-kafka-output.ts); tests record them or use the real broker.
 */
import { DecodedRecord } from './coordinator-events';
import { StreamItem, StreamStatus } from './registry-schema';
import { StreamStatusMessage } from '../messages';

export interface CoordinatorOutput {
  /** Produces the message on the results topic, keyed by its stream id. */
  publishStatus(message: StreamStatusMessage): Promise<void>;
  /** Copies a control record that cannot be handled to the dead-letter topic, saying why in its headers. */
  deadLetter(record: DecodedRecord, error: string): Promise<void>;
}

/** The stream-status message for one status of a stream (repeats carry the same statusId). */
export function streamStatusMessage(stream: StreamItem, status: StreamStatus, now: number): StreamStatusMessage {
  return {
    type: 'stream-status',
    version: 1,
    streamId: stream.streamId,
    status,
    statusId: `${stream.streamId}/${stream.generation}/${status}`,
    at: new Date(now).toISOString(),
    engines: Object.keys(stream.jobs),
    ...((status === 'expired' || status === 'failed') && stream.reason ? { reason: stream.reason.slice(0, 1000) } : {}),
  };
}

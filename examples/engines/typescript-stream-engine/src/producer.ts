/**
 * The engine's one Kafka producer: idempotent, acks all, keys partitioned like Kafka's Java client
 * (murmur2: the library's default partitioner is not Java-compatible), and one send at a time.
 * Concurrent send() calls on one idempotent @platformatic/kafka Producer can break its
 * per-partition sequence numbers (the broker answers OUT_OF_ORDER_SEQUENCE_NUMBER; see
 * platformatic/kafka issue 326), and heartbeats are sent from a timer beside the engine loop.
 */
import { Producer, ProduceAcks, compatibilityPartitioner, type BaseOptions, type MessageToProduce } from '@platformatic/kafka';

export type OutgoingMessage = MessageToProduce<Buffer, Buffer, Buffer, Buffer>;

export class SerialProducer {
  private readonly producer: Producer<Buffer, Buffer, Buffer, Buffer>;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: BaseOptions) {
    this.producer = new Producer({ ...options, idempotent: true, acks: ProduceAcks.ALL, partitioner: compatibilityPartitioner });
  }

  /** Resolves when the broker acknowledged every message (after the sends queued before it). */
  send(messages: OutgoingMessage[]): Promise<void> {
    const sent = this.queue.then(() => this.producer.send({ messages }));
    this.queue = sent.catch(() => undefined);
    return sent.then(() => undefined);
  }

  async close(): Promise<void> {
    await this.queue;
    await this.producer.close();
  }
}

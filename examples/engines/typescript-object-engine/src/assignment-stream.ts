/**
 * The messages of the partitions this task owns now, one consumer stream per group generation.
 *
 * When the group rebalances (the lag scaler started or stopped a task), the client reads each
 * partition it owns from the committed offset again, while the messages it fetched before still
 * wait in the stream: some of them belong to partitions another task now reads from the same
 * offsets, the others are fetched a second time. Handling them would give chunks two results (and
 * keep the backlog from the tasks just added). So after a rebalance the waiting messages are
 * dropped with their stream, and a new stream starts at the committed offsets of the new
 * assignment; a chunk whose handling spanned the rebalance is not produced (`isCurrent()`), and
 * the partition's owner handles it from the committed offset.
 */
import type { Consumer, ConsumeOptions, Message, MessagesStream } from '@platformatic/kafka';

type Consumed = Message<Buffer, Buffer, Buffer, Buffer>;
type Stream = MessagesStream<Buffer, Buffer, Buffer, Buffer>;
type GroupConsumer = Consumer<Buffer, Buffer, Buffer, Buffer>;
type Options = ConsumeOptions<Buffer, Buffer, Buffer, Buffer>;

export class AssignmentStream {
  /** Joins the group and opens the first stream. */
  static async open(consumer: GroupConsumer, options: Options): Promise<AssignmentStream> {
    const stream = await consumer.consume(options);
    return new AssignmentStream(consumer, options, stream, consumer.generationId);
  }

  /** Completed rejoins of the group (the first join happened in `open()`). */
  private joins = 0;
  /** `joins` when the current stream was opened. */
  private joinsAtStream = 0;
  private joined?: () => void;
  private closed = false;

  private constructor(
    private readonly consumer: GroupConsumer,
    private readonly options: Options,
    private stream: Stream,
    private generation: number,
  ) {
    consumer.on('consumer:group:join', () => {
      this.joins++;
      this.joined?.();
    });
  }

  /** The messages, until `close()`. */
  async *messages(): AsyncGenerator<Consumed> {
    while (!this.closed) {
      const generation = this.generation;
      // the iterator must not destroy the stream when the loop leaves it: a closed stream unsubscribes, and the group would rebalance again
      for await (const message of this.stream.iterator({ destroyOnReturn: false }) as AsyncIterable<Consumed>) {
        if (this.consumer.generationId !== generation) break;
        yield message;
      }
      if (this.closed || this.consumer.generationId === generation) return; // the stream ended: closed
      await this.renew();
    }
  }

  /** True while the group is still in the generation the message at hand was read in: its result may be produced and committed. */
  isCurrent(): boolean {
    return this.consumer.generationId === this.generation;
  }

  /** Ends `messages()`; the stream is closed (a message being handled finishes first). */
  async close(): Promise<void> {
    this.closed = true;
    this.joined?.();
    await this.stream.close();
  }

  /** After a rebalance: a new stream for the new assignment, opened before the old one closes so that the subscription never lapses. */
  private async renew(): Promise<void> {
    // the generation changes when the group answers the rejoin; the new assignment comes with the join event after it
    while (this.joins === this.joinsAtStream && !this.closed) {
      await new Promise<void>((resolve) => (this.joined = resolve));
    }
    const previous = this.stream;
    if (!this.closed) {
      this.joinsAtStream = this.joins;
      this.generation = this.consumer.generationId;
      this.stream = await this.consumer.consume(this.options);
    }
    await previous.close();
    if (this.closed) await this.stream.close(); // close() came while the new stream opened
  }
}

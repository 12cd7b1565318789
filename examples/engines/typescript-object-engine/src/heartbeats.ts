/**
 * Heartbeats: one at start, then one every interval, saying how many records were handled since
 * the previous one. They run on a timer beside the engine loop, so a model call that awaits (I/O,
 * a worker thread, a child process) does not delay them; a model that blocks the event loop for
 * longer than the Coordinator's heartbeatTimeout gets its task stopped and relaunched.
 */
import { describeError, type Log } from './log.js';

export class Heartbeats {
  private processed = 0;
  private timer?: NodeJS.Timeout;
  private sending: Promise<void> = Promise.resolve();

  constructor(
    private readonly send: (processed: number) => Promise<void>,
    private readonly intervalMs: number,
    private readonly log: Log,
  ) {}

  start(): void {
    this.beat();
    this.timer = setInterval(() => this.beat(), this.intervalMs);
  }

  /** One more record handled. */
  count(): void {
    this.processed++;
  }

  /** Stops the timer and waits for a heartbeat being sent. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.sending;
  }

  private beat(): void {
    const processed = this.processed;
    this.processed = 0;
    // one at a time: a slow send is not overtaken by the next beat
    this.sending = this.sending.then(() => this.send(processed)).catch((error: unknown) => {
      this.processed += processed;
      this.log.warn('heartbeat not sent', { error: describeError(error) });
    });
  }
}

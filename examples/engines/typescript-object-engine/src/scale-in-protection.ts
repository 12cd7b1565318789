/**
 * ECS task scale-in protection while the engine has work. When the lag scaler lowers the service's
 * desired count, ECS stops tasks it picks; a protected task is not picked, so a task busy with a
 * chunk keeps it and an idle one goes instead.
 *
 * - A chunk that starts after idleness protects the task; chunks that keep coming keep it
 *   protected (renewed at most every RENEW_AFTER_MS); IDLE_MS without a chunk unprotects it.
 * - Protection always carries ExpiresInMinutes: a task stuck in one chunk (no new chunk, so no
 *   renewal) loses it after EXPIRES_IN_MINUTES and can be scaled in again.
 * - The engine never waits for the ECS agent: requests go out beside the loop, one at a time,
 *   each bounded by REQUEST_TIMEOUT_MS; a failure is logged and retried no sooner than
 *   RETRY_AFTER_MS. A task not yet protected when ECS stops it still finishes the chunk at hand
 *   on SIGTERM (see main.ts).
 * - Without ECS_AGENT_URI (a local run) it does nothing and says so once.
 *
 * The task role needs ecs:UpdateTaskProtection on its own tasks (the construct grants it to object
 * engines). Chunks that take longer than EXPIRES_IN_MINUTES - RENEW_AFTER_MS: raise EXPIRES_IN_MINUTES.
 */
import { describeError, type Log } from './log.js';

const IDLE_MS = 5_000;
// short: a task that hangs, or whose unprotect request failed, is released in 5 minutes, not in
// ECS's default 2 hours (a protected task also holds up a deployment)
const EXPIRES_IN_MINUTES = 5;
const RENEW_AFTER_MS = 60_000;
const RETRY_AFTER_MS = 5_000;
// the agent itself calls the ECS UpdateTaskProtection API before it answers
const REQUEST_TIMEOUT_MS = 5_000;

export class ScaleInProtection {
  private wanted = false;
  /** What the agent last accepted (a new task is not protected), and when. */
  private confirmed = false;
  private confirmedAt = 0;
  private failedAt?: number;
  private sending?: Promise<void>;
  private idleTimer?: NodeJS.Timeout;
  private retryTimer?: NodeJS.Timeout;
  private readonly closing = new AbortController();

  /** `now` gives epoch ms (a test passes a clock it moves). */
  constructor(private readonly agentUri: string | undefined, private readonly log: Log, private readonly now: () => number = Date.now) {
    if (!agentUri) {
      log.info('scale-in protection is off: ECS_AGENT_URI is not set (not on ECS)');
    }
  }

  /** A chunk starts: protect the task (or renew its protection), without waiting. */
  working(): void {
    clearTimeout(this.idleTimer);
    this.wanted = true;
    this.sync();
  }

  /** The chunk is done: unprotect after IDLE_MS unless another one starts. */
  done(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.wanted = false;
      this.sync();
    }, IDLE_MS).unref();
  }

  /** Stops the timers and abandons a request under way (the task is stopping). */
  close(): void {
    clearTimeout(this.idleTimer);
    clearTimeout(this.retryTimer);
    this.closing.abort();
  }

  private sync(): void {
    if (!this.agentUri || this.sending || this.closing.signal.aborted) {
      return; // a request under way calls sync() again when it ends
    }
    const now = this.now();
    const needed = this.wanted
      ? !this.confirmed || now - this.confirmedAt >= RENEW_AFTER_MS
      : this.confirmed;
    if (!needed) {
      return;
    }
    if (this.failedAt !== undefined && now - this.failedAt < RETRY_AFTER_MS) {
      this.retryTimer ??= setTimeout(() => {
        this.retryTimer = undefined;
        this.sync();
      }, RETRY_AFTER_MS - (now - this.failedAt)).unref();
      return;
    }
    this.sending = this.put(this.wanted).finally(() => {
      this.sending = undefined;
      this.sync();
    });
  }

  private async put(enabled: boolean): Promise<void> {
    const body = enabled ? { ProtectionEnabled: true, ExpiresInMinutes: EXPIRES_IN_MINUTES } : { ProtectionEnabled: false };
    // a timer of its own: an AbortSignal.timeout() inside AbortSignal.any() may be garbage-collected
    // before it fires (nodejs/node#57736), and the request would then wait for ever
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new Error(`no answer in ${REQUEST_TIMEOUT_MS} ms`)), REQUEST_TIMEOUT_MS);
    try {
      const answer = await fetch(`${this.agentUri}/task-protection/v1/state`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.any([timeout.signal, this.closing.signal]),
      });
      const text = await answer.text();
      if (!answer.ok || !hasProtection(text)) {
        throw new Error(`the ECS agent answered ${answer.status}: ${text.slice(0, 300)}`);
      }
      this.confirmed = enabled;
      this.confirmedAt = this.now();
      this.failedAt = undefined;
      this.log.info(enabled ? 'scale-in protection on' : 'scale-in protection off', enabled ? { expiresInMinutes: EXPIRES_IN_MINUTES } : {});
    } catch (error) {
      if (this.closing.signal.aborted) {
        return;
      }
      this.failedAt = this.now();
      this.log.warn('scale-in protection not updated; the engine goes on', { protectionEnabled: enabled, error: describeError(error) });
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * Whether the agent's answer says ECS took the change: 200 {"protection": {...}}. ECS refusing it
 * comes as 200 {"failure": {"Reason": "TASK_NOT_VALID", ...}}; an error of the ECS API (access
 * denied, throttled, unreachable) as 4xx/5xx {"error": {...}}.
 */
function hasProtection(text: string): boolean {
  try {
    const protection = JSON.parse(text)?.protection;
    return typeof protection === 'object' && protection !== null;
  } catch {
    return false;
  }
}

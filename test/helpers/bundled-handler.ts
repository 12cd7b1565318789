import { execFile } from 'node:child_process';
import * as path from 'node:path';

/** What a fresh Node process printed after calling a bundled handler once per event. */
export interface BundledRun {
  /** The process exit code: non-zero when a handler invocation rejected. */
  readonly code: number;
  /** One entry per event that resolved, in order. */
  readonly results: any[];
  /** Everything the handler logged (the result marker removed). */
  readonly stdout: string;
  readonly stderr: string;
}

const MARKER = '@@RESULT@@';

export interface BundledRunOptions {
  /**
   * The Lambda context's `getRemainingTimeInMillis()` counts down from this at each invocation
   * (as for a function with that timeout); without it the context is empty.
   */
  readonly remainingTimeMs?: number;
  /** The process is killed after this. @default 30 s */
  readonly timeoutMs?: number;
  /** Append every AWS API call and Kafka operation the handler makes to this file (test/iam). */
  readonly recordCallsTo?: string;
}

/**
 * Loads a bundled Lambda file (assets/**\/index.js) in a fresh Node process, the way Lambda
 * does, and awaits `exports.handler(event, context)` once per event, then exits. Only PATH and `env` reach the
 * process, so the handler sees nothing but what the construct would configure. A rejected
 * invocation prints `HANDLER ERROR <name>: <message>` to stderr and exits 1.
 * With `recordCallsTo`, every AWS API call and Kafka operation the handler makes is appended to
 * that file as a JSON line (aws-call-recorder.js).
 */
export function runBundledHandler(bundle: string, env: Record<string, string>, events: unknown[],
  options: BundledRunOptions = {}): Promise<BundledRun> {
  const script = `
    const { handler } = require(${JSON.stringify(bundle)});
    const remaining = Number(process.env.BUNDLED_HANDLER_REMAINING_MS);
    (async () => {
      let n = 0;
      for (const e of JSON.parse(process.env.BUNDLED_HANDLER_EVENTS)) {
        const end = Date.now() + remaining;
        const context = remaining > 0 ? { awsRequestId: 'local-' + ++n, getRemainingTimeInMillis: () => end - Date.now() } : {};
        process.stdout.write('\\n${MARKER}' + JSON.stringify(await handler(e, context)) + '\\n');
      }
      // Lambda freezes the process after the last invocation: connections a handler keeps
      // open for its next invocation (a Kafka producer) must not keep this one alive
      process.exit(0);
    })().catch((e) => { console.error('HANDLER ERROR ' + e.name + ': ' + e.message); process.exit(1); });`;
  return new Promise((resolve) => {
    const recorder = options.recordCallsTo ? ['--require', path.join(__dirname, 'aws-call-recorder.js')] : [];
    const callLog: Record<string, string> = options.recordCallsTo ? { AWS_CALL_LOG: options.recordCallsTo } : {};
    execFile(process.execPath, [...recorder, '-e', script], {
      env: {
        PATH: process.env.PATH ?? '',
        ...env,
        ...callLog,
        BUNDLED_HANDLER_EVENTS: JSON.stringify(events),
        BUNDLED_HANDLER_REMAINING_MS: String(options.remainingTimeMs ?? 0),
      },
      timeout: options.timeoutMs ?? 30_000,
    }, (error, stdout, stderr) => {
      const lines = stdout.split('\n');
      resolve({
        code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
        results: lines.filter((l) => l.startsWith(MARKER)).map((l) => JSON.parse(l.slice(MARKER.length))),
        stdout: lines.filter((l) => !l.startsWith(MARKER)).join('\n'),
        stderr,
      });
    });
  });
}

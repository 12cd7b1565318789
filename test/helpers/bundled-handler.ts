import { execFile } from 'node:child_process';

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
}

/**
 * Loads a bundled Lambda file (assets/**\/index.js) in a fresh Node process, the way Lambda
 * does, and awaits `exports.handler(event, context)` once per event, then exits. Only PATH and `env` reach the
 * process, so the handler sees nothing but what the construct would configure. A rejected
 * invocation prints `HANDLER ERROR <name>: <message>` to stderr and exits 1.
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
    execFile(process.execPath, ['-e', script], {
      env: {
        PATH: process.env.PATH ?? '', ...env, BUNDLED_HANDLER_EVENTS: JSON.stringify(events), BUNDLED_HANDLER_REMAINING_MS: String(options.remainingTimeMs ?? 0),
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

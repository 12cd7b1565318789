// A bundled Lambda handler run the way Lambda runs it: in a Node process of its own that sees only
// PATH and the function's environment, loaded once (cold start) and kept warm between
// invocations, one invocation at a time, with the function's timeout (a timed-out instance is
// discarded, as Lambda does). Its output is appended to a log file, and each JSON log line
// (Powertools; EMF metric documents left out) is handed to `onLog`.
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as readline from 'node:readline';

export interface LocalLambdaOptions {
  readonly name: string;
  /** The bundled handler file (exports.handler). */
  readonly bundle: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly timeoutSeconds: number;
  readonly logFile: string;
  readonly onLog?: (entry: Record<string, unknown>) => void;
}

// The Lambda runtime stand-in: awaits exports.handler(event, context) for each event it is sent.
const RUNTIME = `
  const { randomUUID } = require('node:crypto');
  const [bundle, timeoutMs] = process.argv.slice(1);
  const { handler } = require(bundle);
  process.on('message', async ({ id, event }) => {
    const deadline = Date.now() + Number(timeoutMs);
    const context = { awsRequestId: randomUUID(), getRemainingTimeInMillis: () => deadline - Date.now() };
    try {
      process.send({ id, result: (await handler(event, context)) ?? null });
    } catch (error) {
      process.send({ id, error: (error && error.name) + ': ' + (error && error.message) });
    }
  });
  process.on('disconnect', () => process.exit(0));`;

export class LocalLambda {
  private instance?: ChildProcess;
  private queue: Promise<unknown> = Promise.resolve();
  private invocations = 0;
  private closed = false;

  constructor(private readonly options: LocalLambdaOptions) {}

  /** Invokes the handler once (after the invocations before it); rejects with the handler's error or a timeout. */
  invoke(event: unknown): Promise<unknown> {
    const run = this.queue.then(() => this.run(event));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Ends the instance (an invocation in progress is cut off). */
  async close(): Promise<void> {
    this.closed = true;
    const instance = this.instance;
    this.instance = undefined;
    if (instance && instance.exitCode === null && instance.signalCode === null) {
      const exited = new Promise((resolve) => instance.once('exit', resolve));
      instance.kill('SIGTERM');
      const timer = setTimeout(() => instance.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
  }

  private run(event: unknown): Promise<unknown> {
    if (this.closed) return Promise.reject(new Error(`${this.options.name} is shut down`));
    const instance = this.instance ?? this.start();
    const id = ++this.invocations;
    return new Promise((resolve, reject) => {
      const done = (finish: () => void) => {
        clearTimeout(timer);
        instance.off('message', onMessage);
        instance.off('exit', onExit);
        finish();
      };
      const onMessage = (message: { id: number; result?: unknown; error?: string }) => {
        if (message.id === id) done(() => (message.error === undefined ? resolve(message.result) : reject(new Error(message.error))));
      };
      const onExit = (code: number | null, signal: string | null) => {
        this.instance = undefined;
        done(() => reject(new Error(`${this.options.name} exited (${signal ?? `code ${code}`}) during an invocation`)));
      };
      const timer = setTimeout(() => {
        this.instance = undefined;
        instance.kill('SIGKILL');
        done(() => reject(new Error(`${this.options.name}: Task timed out after ${this.options.timeoutSeconds} seconds`)));
      }, this.options.timeoutSeconds * 1000);
      instance.on('message', onMessage);
      instance.once('exit', onExit);
      instance.send({ id, event });
    });
  }

  private start(): ChildProcess {
    const log = fs.createWriteStream(this.options.logFile, { flags: 'a' });
    const instance = spawn(process.execPath, ['-e', RUNTIME, this.options.bundle, String(this.options.timeoutSeconds * 1000)], {
      env: { PATH: process.env.PATH ?? '', ...this.options.environment },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    for (const stream of [instance.stdout!, instance.stderr!]) {
      readline.createInterface({ input: stream }).on('line', (line) => {
        log.write(`${line}\n`);
        this.parse(line);
      });
    }
    instance.once('exit', () => {
      log.end();
      if (this.instance === instance) this.instance = undefined; // the next invocation starts a new one
    });
    this.instance = instance;
    return instance;
  }

  private parse(line: string): void {
    if (!this.options.onLog || !line.startsWith('{')) return;
    try {
      const entry = JSON.parse(line) as Record<string, unknown>;
      if (!('_aws' in entry)) this.options.onLog(entry);
    } catch {
      // not a JSON log line
    }
  }
}

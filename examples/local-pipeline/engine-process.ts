// One engine task as a local process: the engine's command with the task's environment (nothing
// else from this shell but PATH and HOME, as a container gets only what its task sets), output
// appended to a log file, stopped as ECS stops a container: SIGTERM, then SIGKILL after the task
// definition's stop timeout.
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { constants } from 'node:os';

/** An engine's command line: the program and its arguments. */
export interface EngineCommand {
  readonly program: string;
  readonly args: readonly string[];
}

/**
 * Splits a command line at whitespace (no quoting): a command that needs more, a shell or a
 * virtualenv for example, goes into a script that `exec`s the engine, so signals reach it.
 */
export function parseCommand(text: string, what: string): EngineCommand {
  const [program, ...args] = text.trim().split(/\s+/).filter((part) => part.length > 0);
  if (!program) throw new Error(`${what} is empty: give the engine's command, e.g. 'python -m stream_engine'`);
  return { program, args };
}

/** How a process ended: its exit code (128 + the signal's number when a signal ended it, as Docker reports it), or why it never ran. */
export interface ProcessEnd {
  readonly exitCode?: number;
  readonly error?: string;
}

export class EngineProcess {
  /** Resolves once the process runs; rejects when it could not start. */
  readonly started: Promise<void>;
  readonly ended: Promise<ProcessEnd>;
  private readonly child: ChildProcess;
  private killTimer?: NodeJS.Timeout;

  constructor(command: EngineCommand, environment: Readonly<Record<string, string>>, logFile: string) {
    const log = fs.openSync(logFile, 'a');
    this.child = spawn(command.program, command.args, {
      env: { PATH: process.env.PATH ?? '', ...(process.env.HOME ? { HOME: process.env.HOME } : {}), ...environment },
      stdio: ['ignore', log, log],
    });
    fs.closeSync(log); // the child holds its own descriptor
    this.started = new Promise((resolve, reject) => {
      this.child.once('spawn', () => resolve());
      this.child.once('error', reject);
    });
    this.started.catch(() => undefined);
    this.ended = new Promise((resolve) => {
      this.child.once('error', (error) => resolve({ error: `${command.program}: ${error.message}` }));
      this.child.once('exit', (code, signal) => {
        clearTimeout(this.killTimer);
        resolve({ exitCode: code ?? 128 + (signal ? constants.signals[signal] : 0) });
      });
    });
  }

  /** SIGTERM now, SIGKILL if it still runs after `graceMs`. */
  stop(graceMs: number): void {
    if (this.child.exitCode !== null || this.child.signalCode !== null || this.child.pid === undefined) return;
    this.child.kill('SIGTERM');
    this.killTimer ??= setTimeout(() => this.child.kill('SIGKILL'), graceMs);
  }
}

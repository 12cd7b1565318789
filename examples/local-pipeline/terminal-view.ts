// The terminal view: redrawn every second on a terminal (ANSI: cursor home, clear), or, when the
// output is not a terminal (a pipe, a CI log), the activity as plain lines and a one-line summary
// every 5 seconds.
import { ActivityLog } from './activity-log';
import { ExitCounts, LocalTask } from './local-ecs';
import { Observations, StreamObservation } from './pipeline-watch';

export interface ViewFrame {
  readonly pipelineName: string;
  readonly bootstrap: string;
  readonly startedAt: number;
  readonly replay: { readonly sent: number; readonly total: number; readonly speed: number };
  readonly streamEngines: readonly string[];
  readonly objectEngines: readonly string[];
  readonly observations: Observations;
  readonly tasks: readonly LocalTask[];
  readonly desired: ReadonlyMap<string, number>;
  readonly exits: ExitCounts;
  readonly activity: ActivityLog;
  readonly logDir: string;
}

const SUMMARY_EVERY_MS = 5_000;

/** The full view, one string per line. */
export function renderView(frame: ViewFrame, now = Date.now()): string[] {
  const { observations: seen } = frame;
  const lines: string[] = [];
  const replay = frame.replay.sent >= frame.replay.total ? `sample replayed (${frame.replay.total} records` : `replaying the sample (${frame.replay.sent}/${frame.replay.total} records`;
  lines.push(`pipeline ${frame.pipelineName} on ${frame.bootstrap} · up ${duration(now - frame.startedAt)} · ${replay}`
    + `${frame.replay.speed !== 1 ? `, ×${frame.replay.speed}` : ''}) · Ctrl-C stops`);
  lines.push('');
  lines.push(`${'STREAMS'.padEnd(12)}${'status'.padEnd(10)}${frame.streamEngines.map((e) => e.padEnd(30)).join('')}outputs  chunk results`);
  for (const stream of [...seen.streams.values()].sort((a, b) => a.streamId.localeCompare(b.streamId))) {
    const status = stream.status ?? stream.open?.status ?? '';
    lines.push(`  ${stream.streamId.padEnd(10)}${status.padEnd(10)}${frame.streamEngines.map((e) => engineState(stream, e, now).padEnd(30)).join('')}`
      + `${String(stream.engineOutputs).padStart(7)}  ${String(stream.chunkResults).padStart(13)}`);
  }
  if (seen.streams.size === 0) lines.push('  (no stream yet)');
  lines.push('');
  lines.push('TASKS (local ECS: one process each)');
  for (const engine of frame.streamEngines) {
    const running = frame.tasks.filter((t) => t.engine === engine);
    lines.push(`  ${engine.padEnd(12)}stream engine  ${String(running.length).padStart(2)} running  `
      + `${running.map((t) => `${t.streamId}${t.stopping ? ' (stopping)' : ''}`).join(', ').padEnd(24)}${exits(frame.exits, engine)}`);
  }
  for (const engine of frame.objectEngines) {
    const running = frame.tasks.filter((t) => t.engine === engine);
    lines.push(`  ${engine.padEnd(12)}object engine  ${String(running.length).padStart(2)} running  `
      + `${`desired ${frame.desired.get(engine) ?? 0} (lag scaler)`.padEnd(24)}${exits(frame.exits, engine)}`);
  }
  lines.push('');
  lines.push('LAG (end offset - committed offset, all partitions)');
  for (const [label, lag] of seen.lag) {
    lines.push(`  ${label.padEnd(12)}${`${lag.group} on ${lag.topic}`.padEnd(58)}${lag.ok ? String(lag.totalLag).padStart(6) : `unknown: ${lag.error}`}`);
  }
  lines.push('');
  lines.push(`RESULTS  ${seen.chunkResults.total} chunk results (${seen.chunkResults.distinct} distinct chunks)${seen.lastResults.length ? ', the last:' : ''}`);
  for (const r of seen.lastResults) {
    lines.push(`  ${`${r.chunkId}`.padEnd(22)}${r.engine.padEnd(12)}${r.status.padEnd(9)}${JSON.stringify(r.output ?? r.error ?? {})}`);
  }
  lines.push('');
  lines.push('ACTIVITY');
  for (const line of frame.activity.recent()) lines.push(`  ${line}`);
  lines.push('');
  lines.push(`logs: ${frame.logDir}${seen.problem ? ` · reading the pipeline failed: ${seen.problem}` : ''}`);
  return lines;
}

/** One line: where each stream and engine is. */
export function summaryLine(frame: ViewFrame): string {
  const { observations: seen } = frame;
  const streams = [...seen.streams.values()].map((s) => `${s.streamId} ${s.status ?? s.open?.status ?? '?'}`).join(', ') || 'none';
  const tasks = [...frame.streamEngines, ...frame.objectEngines].map((e) => {
    const desired = frame.desired.get(e);
    return `${e} ${frame.tasks.filter((t) => t.engine === e).length}${desired !== undefined ? ` (desired ${desired})` : ''}`;
  }).join(', ');
  const lag = [...seen.lag].map(([label, l]) => `${label} ${l.ok ? l.totalLag : '?'}`).join(', ');
  return `${new Date().toTimeString().slice(0, 8)} streams: ${streams} | tasks: ${tasks} | lag: ${lag} | chunk results ${seen.chunkResults.total}`
    + ` (${seen.chunkResults.distinct} distinct) | replayed ${frame.replay.sent}/${frame.replay.total}`;
}

export class TerminalView {
  private timer?: NodeJS.Timeout;
  private lastSummary = 0;

  constructor(private readonly frame: () => ViewFrame, private readonly out: NodeJS.WriteStream = process.stdout) {}

  get interactive(): boolean {
    return this.out.isTTY === true;
  }

  start(): void {
    this.timer = setInterval(() => this.draw(), 1_000);
    this.draw();
  }

  /** Stops redrawing; the last frame stays on the screen. */
  stop(): void {
    clearInterval(this.timer);
    this.draw();
  }

  private draw(): void {
    if (this.interactive) {
      this.out.write(`\x1b[H\x1b[2J${renderView(this.frame()).map((l) => l.slice(0, this.out.columns || 120)).join('\n')}\n`);
    } else if (Date.now() - this.lastSummary >= SUMMARY_EVERY_MS) {
      this.lastSummary = Date.now();
      this.out.write(`${summaryLine(this.frame())}\n`);
    }
  }
}

function engineState(stream: StreamObservation, engine: string, now: number): string {
  const job = stream.open?.jobs[engine];
  if (!job) return stream.open ? '' : (stream.status ?? '');
  const task = job.taskId ? ` ${job.taskId.slice(-4)}` : '';
  const since = job.launchedAt && (job.state === 'running' || job.state === 'stopping') ? ` ${duration(now - job.launchedAt)}` : '';
  return `${job.state}${task}${since}${job.launches > 1 ? ` (launch ${job.launches})` : ''}`;
}

function exits(counts: ExitCounts, engine: string): string {
  const ended = [...(counts.get(engine) ?? new Map<string, number>())].map(([outcome, n]) => `${outcome} ×${n}`).join(', ');
  return ended ? `ended: ${ended}` : '';
}

function duration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

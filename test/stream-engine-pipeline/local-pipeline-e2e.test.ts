import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Message } from '@platformatic/kafka' with { 'resolution-mode': 'import' };
import { loadSample } from '../../examples/local-pipeline/sample-replay';
import { sleep } from '../../src/shared/runtime/timers';
import type { ChunkResultMessage, EngineOutputMessage, StreamStatusMessage } from '../../src/stream-engine-pipeline/messages';
import { loadKafka } from '../../src/stream-engine-pipeline/runtime/kafka-connection';
import { parseMessage } from '../../src/stream-engine-pipeline/runtime/message-validation';
import { buildTemplate, REPO_ROOT } from '../engines/engine-templates';
import { ensureKafka } from '../helpers/kafka-broker';
import { countMessages } from './runtime/lag-scaler-kit';

// `npm run pipeline:local` end to end, run as a user runs it: examples/local-pipeline/main.ts in a
// process group of its own, on the real broker, replaying the shipped sample (3 streams, 300 media
// chunks) 4 times as fast. Inside it run the bundled Coordinator, lag scaler and topic
// provisioner, dynalite, and the local stand-in for ECS (ECS has no local implementation), which
// starts the TypeScript engine templates as processes. Once every stream is finished and the lag
// scaler took the object engine back to 0 tasks, the test sends SIGINT to the group, as Ctrl-C
// does. It checks from outside: the results topic, the engine processes (seen in /proc while the
// run goes), and that every process of the run has ended.

const SAMPLE = path.join(REPO_ROOT, 'examples', 'local-pipeline', 'sample', 'streams.jsonl');
const SPEED = 4;
const RUN_TIMEOUT_MS = 150_000;

/** A process of the run, as seen while it ran. */
interface SeenProcess {
  readonly pid: number;
  readonly cmdline: string;
  readonly streamId?: string;
}

let bootstrap: string;

beforeAll(async () => {
  bootstrap = await ensureKafka();
  // built before the run, so that the run's time is the pipeline's (the first build installs from npm)
  buildTemplate('typescript-stream-engine');
  buildTemplate('typescript-object-engine');
}, 600_000);

test('the local pipeline runs the sample to the end: one chunk-result per chunk, every stream finished, the object engine scaled 0 -> 2+ -> 0, nothing left running after Ctrl-C', async () => {
  const pipelineName = `e2e-${Date.now().toString(36)}`;
  const logDir = fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'local-pipeline-'));
  const run = spawn(process.execPath, [
    require.resolve('ts-node/dist/bin.js'), '--project', 'test/tsconfig.json', '--transpile-only', 'examples/local-pipeline/main.ts',
    '--speed', String(SPEED), '--pipeline-name', pipelineName, '--log-dir', logDir,
  ], { cwd: REPO_ROOT, detached: true, env: { ...process.env, KAFKA_BOOTSTRAP: bootstrap }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  run.stdout!.on('data', (d) => (output += d));
  run.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => run.once('exit', (code) => resolve(code)));

  const seen = new Map<number, SeenProcess>();
  let mostObjectEngines = 0;
  const watching = watchProcesses(run, seen, (objectEngines) => (mostObjectEngines = Math.max(mostObjectEngines, objectEngines)));
  try {
    // the plain output (not a terminal): activity lines and a summary line every 5 s
    const done = () => {
      const desired = [...output.matchAll(/service detector: desired count \d+ -> (\d+)/g)].map((m) => Number(m[1]));
      const summaries = output.split('\n').filter((l) => l.includes(' streams: '));
      const last = summaries[summaries.length - 1] ?? '';
      return Math.max(0, ...desired) >= 2 && desired[desired.length - 1] === 0
        && /cam-1 finished, cam-2 finished, cam-3 finished/.test(last) && /detector 0 \(desired 0\)/.test(last);
    };
    const deadline = Date.now() + RUN_TIMEOUT_MS;
    while (!done()) {
      if (Date.now() > deadline || run.exitCode !== null) throw new Error(`the local pipeline did not finish the sample:\n${output}`);
      await sleep(500);
    }
    process.kill(-run.pid!, 'SIGINT'); // Ctrl-C: the whole foreground process group
    expect(await exited).toBe(0);
  } finally {
    watching.stop();
    if (run.exitCode === null) process.kill(-run.pid!, 'SIGKILL');
  }
  expect(output).toContain('stopped: every process this run started has ended');

  // every process of the run has ended (a pid taken again meanwhile runs another command line)
  expect([...seen.values()].filter((p) => cmdline(p.pid) === p.cmdline)).toEqual([]);
  // one stream engine process per stream, and the object engine at 2 tasks or more at once
  const streamEngines = [...seen.values()].filter((p) => p.streamId !== undefined);
  expect(streamEngines.map((p) => p.streamId).sort()).toEqual(['cam-1', 'cam-2', 'cam-3']);
  expect(mostObjectEngines).toBeGreaterThanOrEqual(2);

  // the results topic, read from outside the run
  const sample = loadSample(SAMPLE);
  const chunks = sample.filter((r) => r.message.type === 'media-chunk').map((r) => `${r.message.streamId}/${(r.message as { chunkId: string }).chunkId}`);
  const pieces = sample.filter((r) => r.message.type === 'stream-data');
  const results = await readTopic(`${pipelineName}.results`);
  const chunkResults = new Map<string, number>();
  const outputs = new Map<string, Set<number | undefined>>();
  const statuses = new Map<string, string>();
  for (const message of results) {
    if (message.type === 'chunk-result') {
      const chunk = `${message.streamId}/${message.chunkId}`;
      chunkResults.set(chunk, (chunkResults.get(chunk) ?? 0) + 1);
      expect(message.status).toBe('success');
    } else if (message.type === 'engine-output') {
      if (!outputs.has(message.streamId)) outputs.set(message.streamId, new Set());
      outputs.get(message.streamId)!.add(message.startOffsetMs);
    } else if (message.type === 'stream-status') {
      statuses.set(message.streamId, message.status);
    }
  }
  expect(chunks).toHaveLength(300);
  expect([...chunkResults.keys()].sort()).toEqual([...chunks].sort());
  expect([...chunkResults].filter(([, n]) => n !== 1)).toEqual([]);
  expect(Object.fromEntries(statuses)).toEqual({ 'cam-1': 'finished', 'cam-2': 'finished', 'cam-3': 'finished' });
  for (const streamId of ['cam-1', 'cam-2', 'cam-3']) {
    const offsets = pieces.filter((r) => r.message.streamId === streamId).map((r) => (r.message as { offsetMs: number }).offsetMs);
    expect([...outputs.get(streamId) ?? []].sort((a, b) => a! - b!)).toEqual(offsets);
  }
}, 240_000);

/** Records every descendant process of `run` every 250 ms, and how many object engine processes ran at once. */
function watchProcesses(run: ChildProcess, seen: Map<number, SeenProcess>, onObjectEngines: (count: number) => void): { stop(): void } {
  const look = () => {
    const children = new Map<number, number[]>();
    for (const line of execFileSync('ps', ['-eo', 'pid=,ppid=']).toString().trim().split('\n')) {
      const [pid, ppid] = line.trim().split(/\s+/).map(Number);
      children.set(ppid, [...children.get(ppid) ?? [], pid]);
    }
    const descendants: number[] = [];
    const queue = [run.pid!];
    while (queue.length) {
      for (const pid of children.get(queue.shift()!) ?? []) {
        descendants.push(pid);
        queue.push(pid);
      }
    }
    let objectEngines = 0;
    for (const pid of descendants) {
      const command = cmdline(pid);
      if (command === undefined) continue;
      if (!seen.has(pid)) seen.set(pid, { pid, cmdline: command, streamId: environment(pid).STREAM_ID });
      if (command.includes('typescript-object-engine')) objectEngines++;
    }
    onObjectEngines(objectEngines);
  };
  const timer = setInterval(look, 250);
  return { stop: () => clearInterval(timer) };
}

function cmdline(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return undefined; // it ended
  }
}

function environment(pid: number): Record<string, string> {
  try {
    return Object.fromEntries(fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean)
      .map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
  } catch {
    return {};
  }
}

type ResultMessage = ChunkResultMessage | EngineOutputMessage | StreamStatusMessage;

/** Every message on `topic` up to its end, read in a consumer group of its own. */
async function readTopic(topic: string): Promise<ResultMessage[]> {
  const kafka = loadKafka();
  const admin = new kafka.Admin({ clientId: 'local-pipeline-e2e', bootstrapBrokers: [bootstrap] });
  const consumer = new kafka.Consumer({ clientId: 'local-pipeline-e2e', bootstrapBrokers: [bootstrap], groupId: `${topic}-e2e-check`, maxWaitTime: 200 });
  try {
    const partitions = (await admin.metadata({ topics: [topic], forceUpdate: true })).topics.get(topic)!.partitionsCount;
    const total = await countMessages(admin, topic, partitions);
    const messages: ResultMessage[] = [];
    let read = 0;
    const stream = await consumer.consume({ topics: [topic], mode: kafka.MessagesStreamModes.EARLIEST, autocommit: false });
    for await (const record of stream as AsyncIterable<Message<Buffer, Buffer, Buffer, Buffer>>) {
      const parsed = record.value ? parseMessage(record.value) : undefined;
      if (parsed?.ok) messages.push(parsed.message as ResultMessage);
      if (++read >= total) break;
    }
    await stream.close();
    return messages;
  } finally {
    await consumer.close(true);
    await admin.close();
  }
}

/**
 * Helpers for python-engines.test.ts: the venv, topics, producing and reading records on the
 * real local broker, and engine processes started the way ECS starts them (env + command).
 */
import { ChildProcess, execFile, spawn } from 'node:child_process';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { kafkaClientOptions, loadKafka } from '../../src/stream-engine-pipeline/runtime/kafka-connection';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const STREAM_TEMPLATE = path.join(REPO_ROOT, 'examples', 'engines', 'python-stream-engine');
export const OBJECT_TEMPLATE = path.join(REPO_ROOT, 'examples', 'engines', 'python-object-engine');
export const SASL_PLAINTEXT_RUNNER = path.join(__dirname, 'run-engine-over-sasl-plaintext.py');

/** The python of the venv scripts/engines/python-venv.sh keeps (installed from PyPI when the requirements changed). */
export function enginePython(): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('bash', [path.join(REPO_ROOT, 'scripts', 'engines', 'python-venv.sh')], { timeout: 900_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`python-venv.sh failed: ${error.message}\n${stderr}`));
      else resolve(stdout.trim());
    });
  });
}

const options = (bootstrap: string, clientId: string) => kafkaClientOptions({ brokers: [bootstrap], authMode: 'plaintext' }, clientId);

export async function createTopics(bootstrap: string, topics: Record<string, number>): Promise<void> {
  const admin = new (loadKafka().Admin)(await options(bootstrap, 'python-engines-admin'));
  try {
    for (const [topic, partitions] of Object.entries(topics)) {
      await admin.createTopics({ topics: [topic], partitions, replicas: 1 });
    }
  } finally {
    await admin.close();
  }
}

/** The partition Kafka's Java client (and the engine contract) gives a key: murmur2 & 0x7fffffff mod partitions. */
export function javaPartition(key: string, partitions: number): number {
  return loadKafka().compatibilityPartitioner(undefined as never, Buffer.from(key)) % partitions;
}

export interface RecordToProduce {
  readonly key?: string;
  readonly value: string | Buffer;
  readonly headers?: Record<string, string>;
  readonly timestamp?: number;
}

/** Produces in order with the Java-compatible partitioner, so a key lands where javaPartition says. */
export async function produce(bootstrap: string, topic: string, records: RecordToProduce[]): Promise<void> {
  const kafka = loadKafka();
  const producer = new kafka.Producer({ ...await options(bootstrap, 'python-engines-producer'), idempotent: true, partitioner: kafka.compatibilityPartitioner });
  try {
    await producer.send({
      messages: records.map((r) => ({
        topic,
        key: r.key === undefined ? undefined : Buffer.from(r.key),
        value: Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value),
        headers: r.headers ? new Map(Object.entries(r.headers).map(([k, v]) => [Buffer.from(k), Buffer.from(v)])) : undefined,
        timestamp: r.timestamp === undefined ? undefined : BigInt(r.timestamp),
      })),
    });
  } finally {
    await producer.close();
  }
}

export interface ReadRecord {
  readonly partition: number;
  readonly offset: number;
  readonly key?: string;
  readonly value: Buffer;
  readonly headers: Record<string, string>;
}

/** Latest offset (= number of records written) of each partition. */
export async function endOffsets(bootstrap: string, topic: string, partitions: number): Promise<number[]> {
  const admin = new (loadKafka().Admin)(await options(bootstrap, 'python-engines-admin'));
  try {
    const [listed] = await admin.listOffsets({
      topics: [{ name: topic, partitions: Array.from({ length: partitions }, (_, partitionIndex) => ({ partitionIndex, timestamp: -1n })) }],
    });
    return [...listed.partitions].sort((a, b) => a.partitionIndex - b.partitionIndex).map((p) => Number(p.offset));
  } finally {
    await admin.close();
  }
}

/** The group's committed offset per partition (-1 where none). */
export async function committedOffsets(bootstrap: string, group: string, topic: string, partitions: number): Promise<number[]> {
  const admin = new (loadKafka().Admin)(await options(bootstrap, 'python-engines-admin'));
  try {
    const [listed] = await admin.listConsumerGroupOffsets({
      groups: [{ groupId: group, topics: [{ name: topic, partitionIndexes: Array.from({ length: partitions }, (_, i) => i) }] }],
    });
    const byPartition = new Map((listed.topics[0]?.partitions ?? []).map((p) => [p.partitionIndex, Number(p.committedOffset)]));
    return Array.from({ length: partitions }, (_, i) => byPartition.get(i) ?? -1);
  } finally {
    await admin.close();
  }
}

let readerCounter = 0;

/** Every record the topic holds now (up to its end offsets), in partition and offset order. */
export async function readAll(bootstrap: string, topic: string, partitions: number): Promise<ReadRecord[]> {
  const ends = await endOffsets(bootstrap, topic, partitions);
  const total = ends.reduce((a, b) => a + b, 0);
  const records: ReadRecord[] = [];
  if (total === 0) return records;
  const consumer = new (loadKafka().Consumer)({
    ...(await options(bootstrap, 'python-engines-reader')),
    groupId: `python-engines-reader-${process.pid}-${++readerCounter}`,
  });
  try {
    const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false, maxWaitTime: 200 });
    const deadline = setTimeout(() => stream.destroy(new Error(`read ${records.length} of ${total} records of ${topic} in 20 s`)), 20_000);
    try {
      for await (const m of stream) {
        if (Number(m.offset) < ends[m.partition]) {
          records.push({
            partition: m.partition,
            offset: Number(m.offset),
            key: m.key && m.key.length ? Buffer.from(m.key).toString('utf-8') : undefined,
            value: Buffer.from(m.value ?? Buffer.alloc(0)),
            headers: Object.fromEntries([...m.headers].map(([k, v]) => [Buffer.from(k).toString('utf-8'), Buffer.from(v).toString('utf-8')])),
          });
        }
        if (records.length >= total) break;
      }
    } finally {
      clearTimeout(deadline);
      await new Promise<void>((resolve) => stream.close(() => resolve()));
    }
  } finally {
    await new Promise<void>((resolve) => consumer.close(true, () => resolve()));
  }
  return records.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}

export type LogLine = Record<string, unknown> & { message?: string };

/** An engine process: its JSON log lines (stdout), stderr, and exit code. */
export class EngineProcess {
  static readonly running = new Set<EngineProcess>();
  readonly logs: LogLine[] = [];
  stderr = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;
  private readonly waiters: Array<() => void> = [];

  constructor(python: string, args: string[], templateDir: string, env: Record<string, string>) {
    // only the contract's variables (and PATH): nothing of the test runner's environment leaks in
    this.child = spawn(python, args, {
      cwd: templateDir,
      env: { PATH: process.env.PATH ?? '', PYTHONPATH: templateDir, PYTHONDONTWRITEBYTECODE: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    EngineProcess.running.add(this);
    readline.createInterface({ input: this.child.stdout! }).on('line', (line) => {
      try {
        this.logs.push(JSON.parse(line));
      } catch {
        this.logs.push({ message: line });
      }
      this.waiters.splice(0).forEach((wake) => wake());
    });
    this.child.stderr!.on('data', (chunk) => { this.stderr += chunk.toString(); });
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => {
      EngineProcess.running.delete(this);
      resolve(code ?? (signal ? -1 : null));
    }));
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    this.child.kill(signal);
  }

  /** The first log line matching, waiting up to timeoutMs for it. */
  async waitForLog(matches: (line: LogLine) => boolean, timeoutMs = 30_000): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.logs.find(matches);
      if (found) return found;
      if (Date.now() > deadline) {
        throw new Error(`no matching log line in ${timeoutMs} ms; logs:\n${this.logs.map((l) => JSON.stringify(l)).join('\n')}\n${this.stderr}`);
      }
      await new Promise<void>((wake) => {
        this.waiters.push(wake);
        setTimeout(wake, 200);
      });
    }
  }

  /** The exit code, failing with the logs when the process runs longer than timeoutMs. */
  async exitCode(timeoutMs = 30_000): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`engine still running after ${timeoutMs} ms; logs:\n${this.describe()}`)), timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  describe(): string {
    return `${this.logs.map((l) => JSON.stringify(l)).join('\n')}\n${this.stderr}`;
  }
}

import { execFile } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';

/**
 * A real single-node Apache Kafka broker (KRaft, 127.0.0.1 only) for runtime tests, run by
 * scripts/kafka/broker.sh from the jars on Maven Central.
 *
 * - `ensureKafka()` returns a bootstrap address: the broker named by KAFKA_BOOTSTRAP when it
 *   accepts connections, else the one broker.sh starts (or already runs) on 127.0.0.1:19092;
 *   `ensureKafkaBroker()` also gives its SASL listener (SCRAM-SHA-512, OAUTHBEARER) on :19094.
 * - jest's globalSetup (kafka-global-setup.ts) starts it once per run and sets KAFKA_BOOTSTRAP
 *   for the workers; its globalTeardown stops it only when the setup started it.
 * - A file run on its own (`npx jest <file>`) starts it through `ensureKafka()` and leaves it
 *   running for the next run: `scripts/kafka/broker.sh stop` stops it.
 */

const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const KAFKA_BROKER_SCRIPT = path.join(REPO_ROOT, 'scripts', 'kafka', 'broker.sh');
/** Must match the default in scripts/kafka/broker.sh and scripts/kafka/pom.xml. */
export const KAFKA_VERSION = process.env.KAFKA_VERSION ?? '4.4.0';
const KAFKA_CACHE_DIR = process.env.KAFKA_CACHE_DIR ?? path.join(REPO_ROOT, '.cache', 'kafka');

/** Fetching the jars on a new machine plus the broker's own 90 s start-up limit. */
const START_TIMEOUT_MS = 240_000;

/** The classpath of the broker and of the Kafka command-line tool classes. */
export function kafkaClasspath(): string {
  return path.join(KAFKA_CACHE_DIR, KAFKA_VERSION, 'libs', '*');
}

/** Resolves true when host:port accepts a TCP connection within timeoutMs. */
export function isReachable(bootstrap: string, timeoutMs = 2_000): Promise<boolean> {
  const { host, port } = parseBootstrap(bootstrap);
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Returns the bootstrap address of a running broker, starting one when none is reachable. */
export async function ensureKafka(): Promise<string> {
  return (await ensureKafkaBroker()).bootstrap;
}

export interface KafkaBroker {
  readonly bootstrap: string;
  /** True when this call started the broker (rather than finding one running). */
  readonly started: boolean;
  /**
   * The SASL_PLAINTEXT listener of a broker.sh broker (SCRAM-SHA-512 with `scram`, and
   * OAUTHBEARER accepting unsigned JWTs), or of KAFKA_SASL_BOOTSTRAP when that is set.
   */
  readonly saslBootstrap?: string;
  readonly scram?: { readonly username: string; readonly password: string };
}

/** Like `ensureKafka()`, and tells whether it started the broker and where SASL is served. */
export async function ensureKafkaBroker(): Promise<KafkaBroker> {
  const given = process.env.KAFKA_BOOTSTRAP;
  if (given && await isReachable(given)) {
    return { bootstrap: given, started: false, ...saslFrom(process.env) };
  }
  // KAFKA_BOOTSTRAP names a loopback broker that is down: start ours on that port
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (given) {
    const { host, port } = parseBootstrap(given);
    if (host === '127.0.0.1' || host === 'localhost') {
      env.KAFKA_PORT = String(port);
    }
  }
  const output = await runBrokerScript('start', env);
  const printed: NodeJS.ProcessEnv = {};
  for (const [, key, value] of output.matchAll(/^(KAFKA_[A-Z_]+)=(\S*)$/gm)) {
    printed[key] = value;
  }
  const bootstrap = printed.KAFKA_BOOTSTRAP;
  if (!bootstrap) {
    throw new Error(`${KAFKA_BROKER_SCRIPT} start printed no KAFKA_BOOTSTRAP line:\n${output}`);
  }
  // exported for the tests (jest workers inherit them from globalSetup)
  for (const key of ['KAFKA_BOOTSTRAP', 'KAFKA_SASL_BOOTSTRAP', 'KAFKA_SCRAM_USERNAME', 'KAFKA_SCRAM_PASSWORD']) {
    if (printed[key]) {
      process.env[key] = printed[key];
    }
  }
  return { bootstrap, started: printed.KAFKA_STARTED === '1', ...saslFrom(printed) };
}

function saslFrom(vars: NodeJS.ProcessEnv): Pick<KafkaBroker, 'saslBootstrap' | 'scram'> {
  return {
    saslBootstrap: vars.KAFKA_SASL_BOOTSTRAP,
    scram: vars.KAFKA_SCRAM_USERNAME && vars.KAFKA_SCRAM_PASSWORD
      ? { username: vars.KAFKA_SCRAM_USERNAME, password: vars.KAFKA_SCRAM_PASSWORD }
      : undefined,
  };
}

/**
 * Stops the broker that broker.sh runs on the port of `bootstrap` (default: KAFKA_PORT, else
 * 19092) and deletes its data. A broker that broker.sh did not start is left alone.
 */
export async function stopKafka(bootstrap?: string): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (bootstrap) {
    env.KAFKA_PORT = String(parseBootstrap(bootstrap).port);
  }
  await runBrokerScript('stop', env);
}

export interface KafkaCliResult {
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a Kafka command-line tool class from the cached jars, e.g.
 * `runKafkaCli('org.apache.kafka.tools.TopicCommand', ['--bootstrap-server', b, '--list'])`.
 * Rejects with the tool's output when it exits non-zero.
 */
export function runKafkaCli(mainClass: string, args: string[], timeoutMs = 60_000): Promise<KafkaCliResult> {
  const jvm = ['-Xmx256m', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Djava.awt.headless=true'];
  return new Promise((resolve, reject) => {
    execFile(process.env.JAVA ?? 'java', [...jvm, '-cp', kafkaClasspath(), mainClass, ...args],
      { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`${mainClass} ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`));
        } else {
          resolve({ stdout, stderr });
        }
      });
  });
}

function runBrokerScript(command: 'start' | 'stop', env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('bash', [KAFKA_BROKER_SCRIPT, command],
      { env, timeout: START_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`${KAFKA_BROKER_SCRIPT} ${command} failed: ${error.message}\n${stdout}\n${stderr}`));
        } else {
          resolve(stdout);
        }
      });
  });
}

function parseBootstrap(bootstrap: string): { host: string; port: number } {
  const first = bootstrap.split(',')[0].trim();
  const colon = first.lastIndexOf(':');
  const port = Number(first.slice(colon + 1));
  if (colon <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new Error(`KAFKA_BOOTSTRAP must look like 127.0.0.1:19092, got '${bootstrap}'`);
  }
  return { host: first.slice(0, colon).replace(/^\[|\]$/g, ''), port };
}

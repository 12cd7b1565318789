/**
 * How the pipeline's Lambdas (lag scaler, topic provisioner, coordinator) and the example engines
 * reach Kafka: settings from the environment -> @platformatic/kafka client options.
 *
 * - `iam`: SASL OAUTHBEARER over TLS with an MSK IAM token (aws-msk-iam-sasl-signer-js). A token
 *   lasts 15 minutes; the provider signs a new one when the cached one has less than 2 minutes
 *   left, so every new connection (and re-authentication) gets a valid token.
 * - `scram`: SASL SCRAM-SHA-512 over TLS; username/password from a Secrets Manager secret
 *   (JSON {"username","password"}) read once per process and cached.
 * - `tls`: TLS, no SASL (MSK's TLS listener without client certificates).
 * - `plaintext`: local tests only.
 *
 * Connect and request timeouts are always set. Secrets are never logged.
 *
 * @platformatic/kafka is an ES module: under this project's `module: node16` a static value
 * import does not compile (TS1479), and `await import()` does not run under jest; `loadKafka()`
 * `require`s it (Node >= 20.19 loads ES modules with require; esbuild bundles it; jest transforms
 * it). Types come from `import type ... with { 'resolution-mode': 'import' }`.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type * as PlatformaticKafka from '@platformatic/kafka' with { 'resolution-mode': 'import' };
import { ENV_KAFKA_AUTH, ENV_KAFKA_BROKERS, ENV_KAFKA_SCRAM_SECRET_ARN } from './environment';
import { KafkaAuthMode } from './pipeline-config';
import { awsClientConfig } from '../../shared/runtime/aws-client-config';

export type KafkaLibrary = typeof PlatformaticKafka;
export type BaseOptions = PlatformaticKafka.BaseOptions;
type SASLOptions = PlatformaticKafka.SASLOptions;

/** The @platformatic/kafka module (loaded on first use). */
export function loadKafka(): KafkaLibrary {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@platformatic/kafka') as KafkaLibrary;
}

const AUTH_MODES: readonly KafkaAuthMode[] = ['iam', 'scram', 'tls', 'plaintext'];

/** Where Kafka is and how to authenticate. */
export interface KafkaSettings {
  /** host:port entries. */
  readonly brokers: string[];
  readonly authMode: KafkaAuthMode;
  /** AWS region for MSK IAM token signing (default: AWS_REGION). */
  readonly region?: string;
  /** `scram` only: ARN of the secret holding {"username","password"}. */
  readonly scramSecretArn?: string;
  /** Default 5000 ms. */
  readonly connectTimeoutMs?: number;
  /** Default 10000 ms. */
  readonly requestTimeoutMs?: number;
  /** Retries of a failed request by the client (default 1: callers poll again anyway). */
  readonly retries?: number;
}

/** Test seams: where the SCRAM secret and the IAM token come from. */
export interface KafkaConnectionDeps {
  /** Returns the SecretString of a secret (default: Secrets Manager with a 5 s timeout). */
  readonly readSecret?: (arn: string) => Promise<string>;
  /** Returns an MSK IAM token and its expiry (epoch ms) (default: aws-msk-iam-sasl-signer-js). */
  readonly generateIamToken?: (region: string) => Promise<{ token: string; expiryTime: number }>;
  readonly now?: () => number;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** Sign a new IAM token when the cached one expires within this (tokens last 15 minutes). */
const IAM_TOKEN_REFRESH_MARGIN_MS = 120_000;
/**
 * Request timeout of the secret read, shorter than the library's 10 s: the lag scaler reads it
 * while opening its Kafka connection inside a poll, and the topic provisioner inside its
 * CloudFormation deadline; a hung Secrets Manager endpoint must not take a poll's whole interval.
 */
const SECRET_REQUEST_TIMEOUT_MS = 5_000;

/**
 * Reads KAFKA_BOOTSTRAP_BROKERS, KAFKA_AUTH_MODE (default `iam`), KAFKA_SCRAM_SECRET_ARN and
 * AWS_REGION. Throws an error naming the variable when one is missing or invalid.
 */
export function kafkaSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): KafkaSettings {
  const brokers = (env[ENV_KAFKA_BROKERS] ?? '').split(',').map((b) => b.trim()).filter((b) => b.length > 0);
  if (brokers.length === 0) {
    throw new Error(`${ENV_KAFKA_BROKERS} must list the Kafka bootstrap brokers (host:port, comma-separated); it is empty`);
  }
  const authMode = (env[ENV_KAFKA_AUTH] ?? 'iam') as KafkaAuthMode;
  if (!AUTH_MODES.includes(authMode)) {
    throw new Error(`${ENV_KAFKA_AUTH} must be one of ${AUTH_MODES.join(', ')}; got '${authMode}'`);
  }
  const scramSecretArn = env[ENV_KAFKA_SCRAM_SECRET_ARN] || undefined;
  if (authMode === 'scram' && !scramSecretArn) {
    throw new Error(`${ENV_KAFKA_SCRAM_SECRET_ARN} must name the SCRAM secret when ${ENV_KAFKA_AUTH} is 'scram'`);
  }
  return { brokers, authMode, scramSecretArn, region: env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined };
}

/**
 * Client options for any @platformatic/kafka client (Admin, Producer, Consumer): spread them
 * into the constructor options, e.g. `new Admin(await kafkaClientOptions(settings, 'lag-scaler'))`.
 */
export async function kafkaClientOptions(settings: KafkaSettings, clientId: string,
  deps: KafkaConnectionDeps = {}): Promise<BaseOptions> {
  const base: BaseOptions = {
    clientId,
    bootstrapBrokers: settings.brokers,
    connectTimeout: settings.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    requestTimeout: settings.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    timeout: settings.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    retries: settings.retries ?? 1,
    retryDelay: 250,
  };
  switch (settings.authMode) {
    case 'plaintext':
      return base;
    case 'tls':
      return { ...base, tls: {} };
    case 'scram': {
      if (!settings.scramSecretArn) {
        throw new Error("Kafka auth mode 'scram' needs scramSecretArn (the Secrets Manager secret with username and password)");
      }
      const { username, password } = await scramCredentials(settings.scramSecretArn, deps.readSecret ?? readSecretString);
      const sasl: SASLOptions = { mechanism: 'SCRAM-SHA-512', username, password };
      return { ...base, tls: {}, sasl };
    }
    case 'iam': {
      const region = settings.region;
      if (!region) {
        throw new Error("Kafka auth mode 'iam' needs a region to sign MSK IAM tokens (set AWS_REGION)");
      }
      const sasl: SASLOptions = {
        mechanism: 'OAUTHBEARER',
        token: iamTokenProvider(region, deps.generateIamToken ?? signIamToken, deps.now ?? Date.now),
      };
      return { ...base, tls: {}, sasl };
    }
    default:
      throw new Error(`Unknown Kafka auth mode '${String(settings.authMode)}'; expected one of ${AUTH_MODES.join(', ')}`);
  }
}

/**
 * A token provider for OAUTHBEARER: returns the cached MSK IAM token while it is valid for more
 * than 2 minutes, else signs a new one. Exported for tests.
 */
export function iamTokenProvider(region: string,
  generate: (region: string) => Promise<{ token: string; expiryTime: number }>,
  now: () => number = Date.now): () => Promise<string> {
  let cached: { token: string; expiryTime: number } | undefined;
  return async () => {
    if (!cached || cached.expiryTime - now() < IAM_TOKEN_REFRESH_MARGIN_MS) {
      cached = await generate(region);
    }
    return cached.token;
  };
}

async function signIamToken(region: string): Promise<{ token: string; expiryTime: number }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const signer = require('aws-msk-iam-sasl-signer-js') as typeof import('aws-msk-iam-sasl-signer-js');
  return signer.generateAuthToken({ region });
}

// --- SCRAM secret: read once per process (per ARN) ---

const scramCache = new Map<string, Promise<{ username: string; password: string }>>();

/** Forgets cached SCRAM credentials (tests; or after an authentication failure). */
export function clearKafkaCredentialCache(): void {
  scramCache.clear();
}

function scramCredentials(arn: string, readSecret: (arn: string) => Promise<string>): Promise<{ username: string; password: string }> {
  let pending = scramCache.get(arn);
  if (!pending) {
    pending = readSecret(arn).then((text) => parseScramSecret(arn, text));
    // a failed read is not cached: the next call tries again
    pending.catch(() => scramCache.delete(arn));
    scramCache.set(arn, pending);
  }
  return pending;
}

function parseScramSecret(arn: string, text: string): { username: string; password: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`SCRAM secret ${arn} is not JSON; expected {"username": "...", "password": "..."}`);
  }
  const { username, password } = (parsed ?? {}) as { username?: unknown; password?: unknown };
  if (typeof username !== 'string' || typeof password !== 'string' || !username || !password) {
    throw new Error(`SCRAM secret ${arn} must hold non-empty string fields "username" and "password"`);
  }
  return { username, password };
}

let secretsClient: SecretsManagerClient | undefined;

async function readSecretString(arn: string): Promise<string> {
  secretsClient ??= new SecretsManagerClient(awsClientConfig({ requestTimeoutMs: SECRET_REQUEST_TIMEOUT_MS }));
  const answer = await secretsClient.send(new GetSecretValueCommand({ SecretId: arn }));
  if (!answer.SecretString) {
    throw new Error(`SCRAM secret ${arn} has no SecretString`);
  }
  return answer.SecretString;
}

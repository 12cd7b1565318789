/**
 * How the engine reaches Kafka, per KAFKA_AUTH_MODE (default `iam`, as on MSK Serverless):
 * - `iam`: SASL/OAUTHBEARER over TLS with an MSK IAM token signed by aws-msk-iam-sasl-signer-js
 *   (credentials from the task role, region from AWS_REGION). A token lasts 15 minutes; a new one is
 *   signed when the cached one has less than 2 minutes left, so every new connection gets a valid one.
 * - `scram`: SASL/SCRAM-SHA-512 over TLS; {"username","password"} from the Secrets Manager secret
 *   KAFKA_SCRAM_SECRET_ARN, read once at start.
 * - `tls`: TLS, no SASL.
 * - `plaintext`: local brokers only.
 * KAFKA_TLS=false drops TLS from `iam` and `scram`: only for a local broker's SASL_PLAINTEXT
 * listener (tests); MSK always uses TLS.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { BaseOptions, SASLOptions } from '@platformatic/kafka';
import signer from 'aws-msk-iam-sasl-signer-js';
import { required, type Env } from './env.js';

export const AUTH_MODES = ['iam', 'scram', 'tls', 'plaintext'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

export interface KafkaSettings {
  readonly brokers: readonly string[];
  readonly authMode: AuthMode;
  /** `scram`: the secret holding {"username","password"}. */
  readonly scramSecretArn?: string;
  /** `iam` signs tokens and `scram` reads its secret in this region. */
  readonly region?: string;
  /** false only for a local SASL_PLAINTEXT listener. */
  readonly tls: boolean;
}

export function kafkaSettingsFromEnv(env: Env): KafkaSettings {
  const brokers = required(env, 'KAFKA_BOOTSTRAP_BROKERS').split(',').map((b) => b.trim()).filter((b) => b.length > 0);
  const authMode = (env.KAFKA_AUTH_MODE?.trim() || 'iam') as AuthMode;
  if (!AUTH_MODES.includes(authMode)) {
    throw new Error(`KAFKA_AUTH_MODE must be one of ${AUTH_MODES.join(', ')}; got '${authMode}'`);
  }
  const region = env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim() || undefined;
  if ((authMode === 'iam' || authMode === 'scram') && !region) {
    throw new Error(`AWS_REGION must be set when KAFKA_AUTH_MODE is '${authMode}' (ECS sets it)`);
  }
  const tlsText = env.KAFKA_TLS?.trim() || 'true';
  if (tlsText !== 'true' && tlsText !== 'false') {
    throw new Error(`KAFKA_TLS must be true or false; got '${tlsText}'`);
  }
  if (tlsText === 'false' && authMode !== 'iam' && authMode !== 'scram') {
    throw new Error(`KAFKA_TLS=false only applies to KAFKA_AUTH_MODE iam or scram (a local SASL_PLAINTEXT listener); got '${authMode}'`);
  }
  return {
    brokers,
    authMode,
    region,
    scramSecretArn: authMode === 'scram' ? required(env, 'KAFKA_SCRAM_SECRET_ARN') : undefined,
    tls: authMode !== 'plaintext' && tlsText === 'true',
  };
}

/** Options every client (Producer, Consumer, Admin) is created with. */
export async function kafkaClientOptions(settings: KafkaSettings, clientId: string): Promise<BaseOptions> {
  const base: BaseOptions = {
    clientId,
    bootstrapBrokers: [...settings.brokers],
    connectTimeout: 10_000,
    requestTimeout: 30_000,
    retries: 5,
    retryDelay: 500,
    ...(settings.tls ? { tls: {} } : {}),
  };
  switch (settings.authMode) {
    case 'plaintext':
    case 'tls':
      return base;
    case 'scram': {
      const { username, password } = await readScramSecret(settings.scramSecretArn!, settings.region!);
      const sasl: SASLOptions = { mechanism: 'SCRAM-SHA-512', username, password };
      return { ...base, sasl };
    }
    case 'iam': {
      const sasl: SASLOptions = { mechanism: 'OAUTHBEARER', token: iamTokenProvider(settings.region!) };
      return { ...base, sasl };
    }
  }
}

const TOKEN_REFRESH_MARGIN_MS = 120_000;

/**
 * The OAUTHBEARER token provider of `iam`: an MSK IAM token from the default AWS credential chain
 * (the task role on ECS), cached while it is valid for more than 2 minutes.
 */
export function iamTokenProvider(region: string, now: () => number = Date.now): () => Promise<string> {
  let cached: { token: string; expiryTime: number } | undefined;
  return async () => {
    if (!cached || cached.expiryTime - now() < TOKEN_REFRESH_MARGIN_MS) {
      cached = await signer.generateAuthToken({ region });
    }
    return cached.token;
  };
}

async function readScramSecret(arn: string, region: string): Promise<{ username: string; password: string }> {
  const client = new SecretsManagerClient({ region, maxAttempts: 5 });
  try {
    const answer = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    let parsed: { username?: unknown; password?: unknown } | undefined;
    try {
      parsed = JSON.parse(answer.SecretString ?? '');
    } catch {
      // the secret's text is not repeated in the error
    }
    if (typeof parsed?.username !== 'string' || typeof parsed?.password !== 'string' || !parsed.username || !parsed.password) {
      throw new Error(`the secret KAFKA_SCRAM_SECRET_ARN (${arn}) must hold JSON {"username": "...", "password": "..."}`);
    }
    return { username: parsed.username, password: parsed.password };
  } finally {
    client.destroy();
  }
}

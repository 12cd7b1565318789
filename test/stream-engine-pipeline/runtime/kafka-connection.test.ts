import type { BaseOptions } from '@platformatic/kafka' with { 'resolution-mode': 'import' };
import {
  clearKafkaCredentialCache, iamTokenProvider, kafkaClientOptions, kafkaSettingsFromEnv, loadKafka,
} from '../../../src/stream-engine-pipeline/runtime/kafka-connection';
import { ensureKafkaBroker, KafkaBroker } from '../../helpers/kafka-broker';

// Client options per auth mode, and real connections: plaintext, SCRAM-SHA-512 and OAUTHBEARER
// against the local broker's SASL listener. MSK IAM tokens are replaced by unsigned JWTs (the
// broker's unsecured validator accepts them); the listener is SASL_PLAINTEXT, so the TLS option
// that iam/scram modes always set is removed for these connections.

let broker: KafkaBroker;

beforeAll(async () => {
  broker = await ensureKafkaBroker();
}, 240_000);

afterEach(() => clearKafkaCredentialCache());

function unsignedJwt(sub: string, lifetimeSeconds = 900): string {
  const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${b64({ alg: 'none' })}.${b64({ sub, iat: now, exp: now + lifetimeSeconds })}.`;
}

async function listTopics(options: BaseOptions): Promise<string[]> {
  const { tls: _tls, ...withoutTls } = options;
  const admin = new (loadKafka().Admin)({ ...withoutTls, retries: 0 });
  try {
    return await admin.listTopics();
  } finally {
    await admin.close();
  }
}

describe('kafkaSettingsFromEnv', () => {
  test('reads brokers, auth mode, secret ARN and region', () => {
    expect(kafkaSettingsFromEnv({
      KAFKA_BOOTSTRAP_BROKERS: 'b-1:9098, b-2:9098',
      KAFKA_AUTH_MODE: 'scram',
      KAFKA_SCRAM_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:1:secret:AmazonMSK_x',
      AWS_REGION: 'eu-west-1',
    })).toEqual({
      brokers: ['b-1:9098', 'b-2:9098'],
      authMode: 'scram',
      scramSecretArn: 'arn:aws:secretsmanager:eu-west-1:1:secret:AmazonMSK_x',
      region: 'eu-west-1',
    });
  });

  test('defaults to iam', () => {
    expect(kafkaSettingsFromEnv({ KAFKA_BOOTSTRAP_BROKERS: 'b:9098' }).authMode).toBe('iam');
  });

  test('names the variable that is wrong', () => {
    expect(() => kafkaSettingsFromEnv({})).toThrow(/KAFKA_BOOTSTRAP_BROKERS/);
    expect(() => kafkaSettingsFromEnv({ KAFKA_BOOTSTRAP_BROKERS: 'b:1', KAFKA_AUTH_MODE: 'kerberos' }))
      .toThrow("KAFKA_AUTH_MODE must be one of iam, scram, tls, plaintext; got 'kerberos'");
    expect(() => kafkaSettingsFromEnv({ KAFKA_BOOTSTRAP_BROKERS: 'b:1', KAFKA_AUTH_MODE: 'scram' })).toThrow(/KAFKA_SCRAM_SECRET_ARN/);
  });
});

describe('kafkaClientOptions', () => {
  test('always sets connect and request timeouts', async () => {
    for (const authMode of ['plaintext', 'tls'] as const) {
      const options = await kafkaClientOptions({ brokers: ['b:1'], authMode }, 'id');
      expect(options.connectTimeout).toBeGreaterThan(0);
      expect(options.requestTimeout).toBeGreaterThan(0);
      expect(options.tls).toEqual(authMode === 'tls' ? {} : undefined);
      expect(options.sasl).toBeUndefined();
    }
  });

  test('scram: TLS + SCRAM-SHA-512, the secret read once and cached', async () => {
    const readSecret = jest.fn(async () => JSON.stringify({ username: 'u', password: 'p' }));
    const settings = { brokers: ['b:1'], authMode: 'scram' as const, scramSecretArn: 'arn:secret' };
    const first = await kafkaClientOptions(settings, 'id', { readSecret });
    await kafkaClientOptions(settings, 'id2', { readSecret });
    expect(first).toMatchObject({ tls: {}, sasl: { mechanism: 'SCRAM-SHA-512', username: 'u', password: 'p' } });
    expect(readSecret).toHaveBeenCalledTimes(1);
  });

  test('scram: a malformed secret is a clear error that does not print the secret', async () => {
    const settings = { brokers: ['b:1'], authMode: 'scram' as const, scramSecretArn: 'arn:secret' };
    await expect(kafkaClientOptions(settings, 'id', { readSecret: async () => '{"user":"x","pass":"hunter2"}' }))
      .rejects.toThrow('SCRAM secret arn:secret must hold non-empty string fields "username" and "password"');
    await expect(kafkaClientOptions(settings, 'id', { readSecret: async () => 'hunter2' })).rejects.not.toThrow(/hunter2/);
  });

  test('iam: TLS + OAUTHBEARER with a token provider; needs a region', async () => {
    const options = await kafkaClientOptions({ brokers: ['b:1'], authMode: 'iam', region: 'us-east-1' }, 'id',
      { generateIamToken: async () => ({ token: 't', expiryTime: Date.now() + 900_000 }) });
    expect(options).toMatchObject({ tls: {}, sasl: { mechanism: 'OAUTHBEARER' } });
    expect(typeof options.sasl!.token).toBe('function');
    await expect(kafkaClientOptions({ brokers: ['b:1'], authMode: 'iam' }, 'id')).rejects.toThrow(/AWS_REGION/);
  });

  test('the IAM token is reused while valid and signed again before it expires', async () => {
    let now = 0;
    let signed = 0;
    const provider = iamTokenProvider('us-east-1', async () => ({ token: `token-${++signed}`, expiryTime: now + 15 * 60_000 }), () => now);
    expect(await provider()).toBe('token-1');
    now = 10 * 60_000;
    expect(await provider()).toBe('token-1');
    now = 13.5 * 60_000; // less than 2 minutes left
    expect(await provider()).toBe('token-2');
  });
});

describe('connecting to the local broker', () => {
  test('plaintext', async () => {
    const options = await kafkaClientOptions({ brokers: [broker.bootstrap], authMode: 'plaintext' }, 'conn-test');
    expect(Array.isArray(await listTopics(options))).toBe(true);
  });

  test('SCRAM-SHA-512 with the credentials from the (stubbed) secret', async () => {
    if (!broker.saslBootstrap || !broker.scram) {
      return; // an outside broker without a SASL listener
    }
    const scram = broker.scram;
    const options = await kafkaClientOptions({ brokers: [broker.saslBootstrap], authMode: 'scram', scramSecretArn: 'arn:test' }, 'conn-test',
      { readSecret: async () => JSON.stringify(scram) });
    expect(Array.isArray(await listTopics(options))).toBe(true);
  });

  test('SCRAM with a wrong password fails to connect', async () => {
    if (!broker.saslBootstrap || !broker.scram) {
      return;
    }
    const options = await kafkaClientOptions({ brokers: [broker.saslBootstrap], authMode: 'scram', scramSecretArn: 'arn:wrong' }, 'conn-test',
      { readSecret: async () => JSON.stringify({ username: broker.scram!.username, password: 'wrong' }) });
    await expect(listTopics(options)).rejects.toThrow();
  });

  test('OAUTHBEARER with an unsigned test token (the path MSK IAM tokens take)', async () => {
    if (!broker.saslBootstrap) {
      return;
    }
    const generateIamToken = jest.fn(async () => ({ token: unsignedJwt('lag-scaler'), expiryTime: Date.now() + 900_000 }));
    const options = await kafkaClientOptions({ brokers: [broker.saslBootstrap], authMode: 'iam', region: 'us-east-1' }, 'conn-test',
      { generateIamToken });
    expect(Array.isArray(await listTopics(options))).toBe(true);
    expect(generateIamToken).toHaveBeenCalledWith('us-east-1');
  });
});

import * as net from 'node:net';
import { ensureKafkaBroker, KafkaBroker, runKafkaCli } from '../helpers/kafka-broker';

// The local test broker itself (scripts/kafka/broker.sh): a real Apache Kafka 4.x on 127.0.0.1,
// checked with the Kafka protocol over a raw socket and with Kafka's own Java CLI classes.

const TOPIC_COMMAND = 'org.apache.kafka.tools.TopicCommand';

let broker: KafkaBroker;
let bootstrap: string;

beforeAll(async () => {
  broker = await ensureKafkaBroker();
  bootstrap = broker.bootstrap;
}, 240_000);

describe('local Kafka broker', () => {
  test('is served on a loopback address', () => {
    expect(bootstrap).toMatch(/^(127\.0\.0\.1|localhost):\d+$/);
  });

  test('answers ApiVersions like a Kafka 4.x broker (old protocol versions removed, KIP-896)', async () => {
    const versions = await apiVersions(bootstrap);
    // every API a StreamEnginePipeline Lambda uses is there
    for (const key of [API.Produce, API.Fetch, API.ListOffsets, API.Metadata, API.OffsetCommit,
      API.OffsetFetch, API.FindCoordinator, API.JoinGroup, API.ListGroups, API.DescribeGroups,
      API.CreateTopics, API.DeleteTopics, API.CreatePartitions, API.SaslHandshake,
      API.SaslAuthenticate, API.ConsumerGroupHeartbeat]) {
      expect(versions.get(key)).toBeDefined();
    }
    // Kafka 4.0 removed the oldest versions of these (KIP-896): a client that still sends them
    // fails against MSK 4.x. (Produce still advertises v0 for old librdkafka, KAFKA-18659.)
    expect(versions.get(API.Fetch)!.min).toBeGreaterThanOrEqual(4);
    expect(versions.get(API.ListOffsets)!.min).toBeGreaterThanOrEqual(1);
    expect(versions.get(API.OffsetCommit)!.min).toBeGreaterThanOrEqual(2);
    expect(versions.get(API.OffsetFetch)!.min).toBeGreaterThanOrEqual(1);
    expect(versions.get(API.CreateTopics)!.min).toBeGreaterThanOrEqual(2);
  });

  test('creates, lists, grows and describes a topic with the Kafka CLI', async () => {
    const topic = `broker-check-${process.pid}-${Date.now()}`;
    const server = ['--bootstrap-server', bootstrap];
    await runKafkaCli(TOPIC_COMMAND, [...server, '--create', '--topic', topic,
      '--partitions', '3', '--replication-factor', '1', '--config', 'retention.ms=600000']);
    await runKafkaCli(TOPIC_COMMAND, [...server, '--alter', '--topic', topic, '--partitions', '5']);

    const list = await runKafkaCli(TOPIC_COMMAND, [...server, '--list']);
    expect(list.stdout.split('\n')).toContain(topic);

    const described = await runKafkaCli(TOPIC_COMMAND, [...server, '--describe', '--topic', topic]);
    expect(described.stdout).toMatch(new RegExp(`Topic: ${topic}\\s.*PartitionCount: 5`));
    expect(described.stdout).toContain('retention.ms=600000');
  }, 60_000);

  test('runs with the test settings: no topic auto-creation, single-replica internal topics', async () => {
    const configs = await runKafkaCli('org.apache.kafka.tools.ConfigCommand', ['--bootstrap-server', bootstrap,
      '--describe', '--entity-type', 'brokers', '--entity-name', '1', '--all']);
    expect(configs.stdout).toMatch(/^\s*auto\.create\.topics\.enable=false /m);
    expect(configs.stdout).toMatch(/^\s*offsets\.topic\.replication\.factor=1 /m);
    expect(configs.stdout).toMatch(/^\s*group\.initial\.rebalance\.delay\.ms=0 /m);
  }, 60_000);

  test('offers SCRAM-SHA-512 and OAUTHBEARER on its SASL listener', async () => {
    if (!broker.saslBootstrap) {
      return; // an outside broker named by KAFKA_BOOTSTRAP without KAFKA_SASL_BOOTSTRAP
    }
    expect(broker.scram).toBeDefined();
    const UNSUPPORTED_SASL_MECHANISM = 33;
    const answer = await saslHandshake(broker.saslBootstrap, 'PLAIN');
    expect(answer.errorCode).toBe(UNSUPPORTED_SASL_MECHANISM);
    expect(answer.mechanisms.sort()).toEqual(['OAUTHBEARER', 'SCRAM-SHA-512']);
    expect((await saslHandshake(broker.saslBootstrap, 'SCRAM-SHA-512')).errorCode).toBe(0);
  });
});

/** Kafka protocol API keys (https://kafka.apache.org/protocol#protocol_api_keys). */
const API = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  ListGroups: 16,
  SaslHandshake: 17,
  DescribeGroups: 15,
  ApiVersions: 18,
  CreateTopics: 19,
  DeleteTopics: 20,
  SaslAuthenticate: 36,
  CreatePartitions: 37,
  ConsumerGroupHeartbeat: 68,
} as const;

/** Sends ApiVersions v0 over a plain socket and returns each API key's version range. */
async function apiVersions(address: string): Promise<Map<number, { min: number; max: number }>> {
  const response = await kafkaRequest(address, API.ApiVersions, 0, Buffer.alloc(0));
  const errorCode = response.readInt16BE(0);
  if (errorCode !== 0) {
    throw new Error(`ApiVersions: error code ${errorCode}`);
  }
  const versions = new Map<number, { min: number; max: number }>();
  for (let i = 0, at = 6; i < response.readInt32BE(2); i++, at += 6) {
    versions.set(response.readInt16BE(at), { min: response.readInt16BE(at + 2), max: response.readInt16BE(at + 4) });
  }
  return versions;
}

/** Sends SaslHandshake v1 asking for `mechanism`; returns the error code and the enabled mechanisms. */
async function saslHandshake(address: string, mechanism: string): Promise<{ errorCode: number; mechanisms: string[] }> {
  const response = await kafkaRequest(address, API.SaslHandshake, 1, kafkaString(mechanism));
  const mechanisms: string[] = [];
  for (let i = 0, at = 6; i < response.readInt32BE(2); i++) {
    const length = response.readInt16BE(at);
    mechanisms.push(response.toString('utf8', at + 2, at + 2 + length));
    at += 2 + length;
  }
  return { errorCode: response.readInt16BE(0), mechanisms };
}

function kafkaString(value: string): Buffer {
  const bytes = Buffer.from(value);
  const out = Buffer.alloc(2 + bytes.length);
  out.writeInt16BE(bytes.length, 0);
  bytes.copy(out, 2);
  return out;
}

/**
 * One request with a v1 request header (no tagged fields) over a new socket; resolves with the
 * response body after its v0 header (the correlation id), which both APIs used here answer with.
 */
function kafkaRequest(address: string, apiKey: number, apiVersion: number, body: Buffer): Promise<Buffer> {
  const host = address.slice(0, address.lastIndexOf(':'));
  const port = Number(address.slice(address.lastIndexOf(':') + 1));
  const correlationId = 42;
  const header = Buffer.alloc(8);
  header.writeInt16BE(apiKey, 0);
  header.writeInt16BE(apiVersion, 2);
  header.writeInt32BE(correlationId, 4);
  const payload = Buffer.concat([header, kafkaString('broker-check'), body]);
  const size = Buffer.alloc(4);
  size.writeInt32BE(payload.length, 0);

  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let received = Buffer.alloc(0);
    socket.setTimeout(10_000, () => socket.destroy(new Error(`no answer to API ${apiKey} from ${address} in 10 s`)));
    socket.once('error', reject);
    socket.once('connect', () => socket.write(Buffer.concat([size, payload])));
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 4 || received.length < 4 + received.readInt32BE(0)) {
        return;
      }
      socket.end();
      const response = received.subarray(4, 4 + received.readInt32BE(0));
      if (response.readInt32BE(0) !== correlationId) {
        reject(new Error(`API ${apiKey}: correlation id ${response.readInt32BE(0)}, expected ${correlationId}`));
      } else {
        resolve(response.subarray(4));
      }
    });
  });
}

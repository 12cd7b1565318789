/**
 * Loaded with `node --require` into the process that runs a bundled handler (see
 * runBundledHandler's `recordCallsTo`): appends one JSON line per call to the file named by
 * AWS_CALL_LOG, so a test can check every call against the role the template gives the function.
 *
 * - `http`: every SigV4-signed HTTP request (what an AWS SDK client sends: method, host, path,
 *   headers, body). Unsigned requests (the CloudFormation response URL) are not AWS API calls.
 * - `kafka`: every @platformatic/kafka client operation and connection, from the diagnostics
 *   channels the library publishes (`plt:kafka:*`): the operation and its topics and groups;
 * - `kafka-topic-ids`: the topic ids metadata answers reported (a Fetch names topics by id).
 * Plain JavaScript: it runs outside jest, before the bundle loads.
 */
const dc = require('node:diagnostics_channel');
const fs = require('node:fs');
const http = require('node:http');
const https = require('node:https');

const file = process.env.AWS_CALL_LOG;
const append = (entry) => fs.appendFileSync(file, JSON.stringify(entry, (_key, v) => (typeof v === 'bigint' ? String(v) : v)) + '\n');

for (const mod of [http, https]) {
  const original = mod.request;
  mod.request = function recordedRequest(...args) {
    const req = original.apply(this, args);
    const chunks = [];
    const write = req.write;
    const end = req.end;
    req.write = function (chunk, ...rest) {
      if (chunk && typeof chunk !== 'function') chunks.push(Buffer.from(chunk));
      return write.call(this, chunk, ...rest);
    };
    req.end = function (chunk, ...rest) {
      if (chunk && typeof chunk !== 'function') chunks.push(Buffer.from(chunk));
      const headers = Object.fromEntries(Object.entries(req.getHeaders()).map(([k, v]) => [k.toLowerCase(), String(v)]));
      if (String(headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256')) {
        append({ kind: 'http', method: req.method, host: req.host, path: req.path, headers, body: Buffer.concat(chunks).toString() });
      }
      return end.call(this, chunk, ...rest);
    };
    return req;
  };
}

/** Topic, group and message fields of an operation's options; buffers and functions dropped. */
function plain(value, depth = 0) {
  if (depth > 5 || value === null || value === undefined) return null;
  if (typeof value === 'function' || Buffer.isBuffer(value)) return undefined;
  if (value instanceof Map) return plain(Object.fromEntries(value), depth);
  if (Array.isArray(value)) return value.map((v) => plain(v, depth + 1));
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v, depth + 1)]).filter(([, v]) => v !== undefined));
  }
  return value;
}

const KAFKA_CHANNELS = [
  'connections:connects', 'base:metadata', 'admin:topics', 'admin:groups', 'admin:consumerGroupOffsets',
  'admin:configs', 'admin:offsets', 'admin:acls', 'admin:logDirs', 'admin:clientQuotas',
  'producer:sends', 'producer:initIdempotent', 'producer:transactions',
  'consumer:group', 'consumer:fetches', 'consumer:commits', 'consumer:offsets', 'consumer:consumes',
];
for (const name of KAFKA_CHANNELS) {
  dc.tracingChannel(`plt:kafka:${name}`).subscribe({
    start(context) {
      // a consumer's group lives on the client, not on each operation's options
      const groupId = context.client?.groupId ?? null;
      append({ kind: 'kafka', channel: name, operation: context.operation, options: plain(context.options ?? {}), groupId });
    },
    end() {},
    asyncStart() {},
    asyncEnd(context) {
      // Fetch names topics by id: what the metadata answered maps them back to names
      const topics = context.result?.topics;
      if (name === 'base:metadata' && topics instanceof Map) {
        append({ kind: 'kafka-topic-ids', ids: Object.fromEntries([...topics].map(([topic, t]) => [t.id, topic])) });
      }
    },
    error() {},
  });
}

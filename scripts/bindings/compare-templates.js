#!/usr/bin/env node
// Compares the CloudFormation templates synthesized by the Python and Java example apps
// (examples/python/cdk.out, examples/java/cdk.out) with the TypeScript examples' templates
// (examples/typescript/<name>/cdk.out, from `npm run synth:examples`).
//
// Asset hashes and paths (S3Key, asset.<hash> folders) are not compared as strings: every asset
// hash is replaced by a digest of the asset's CONTENT in that cloud assembly, so an asset built
// from different props (the status page's config.json layer, for instance) still fails the check.
// Resource Metadata (aws:cdk:path, asset paths) and CDKMetadata are ignored.
//
// Prints one line per check: "PASS <stack> <binding> <what>" or "FAIL <stack> <binding> <what>: <diffs>",
// then "bindings: N passed, M failed". Exits 1 on any failure.
//
// Usage: node scripts/bindings/compare-templates.js [binding ...]   (default: python java)
// Env:   BINDINGS_ROOT  the repository root (default: two folders above this script)
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const root = process.env.BINDINGS_ROOT || path.resolve(__dirname, '..', '..');
const STACKS = {
  StatusPageExample: 'status-page',
  StreamEnginePipelineExample: 'stream-engine-pipeline',
};
const bindings = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['python', 'java'];
const MAX_DIFFS = 4;

let passed = 0;
let failed = 0;

function report(ok, stack, binding, what, diffs) {
  if (ok) {
    passed++;
    console.log(`PASS ${stack} ${binding} ${what}`);
  } else {
    failed++;
    const shown = diffs.slice(0, MAX_DIFFS).join('; ');
    const more = diffs.length > MAX_DIFFS ? ` (+${diffs.length - MAX_DIFFS} more)` : '';
    console.log(`FAIL ${stack} ${binding} ${what}: ${shown}${more}`);
  }
}

// ---------- asset digests ----------

function sha256(data) {
  return crypto.createHash('sha256').update(data).digest('hex');
}

function listFiles(dir, rel = '') {
  const out = [];
  for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const r = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listFiles(dir, r));
    else out.push(r);
  }
  return out;
}

/** hash -> { digest, location } for every asset.<hash>* entry of a cloud assembly. */
function loadAssets(outdir) {
  const assets = new Map();
  for (const name of fs.readdirSync(outdir)) {
    const m = /^asset\.([0-9a-f]{64})/.exec(name);
    if (!m) continue;
    const location = path.join(outdir, name);
    let digest;
    if (fs.statSync(location).isDirectory()) {
      const h = crypto.createHash('sha256');
      for (const f of listFiles(location)) h.update(`${f}\0${sha256(fs.readFileSync(path.join(location, f)))}\n`);
      digest = h.digest('hex');
    } else {
      digest = sha256(fs.readFileSync(location));
    }
    assets.set(m[1], { digest: digest.slice(0, 16), location });
  }
  return assets;
}

// ---------- normalization ----------

// Packed configuration (gzip + base64 JSON, e.g. PIPELINE_CONFIG) is compared decoded, so a
// difference names the setting rather than a run of base64.
function unpack(value) {
  if (!/^H4sI[A-Za-z0-9+/=]{16,}$/.test(value)) return undefined;
  try {
    return { '<gzip+base64 json>': JSON.parse(zlib.gunzipSync(Buffer.from(value, 'base64')).toString('utf8')) };
  } catch {
    return undefined;
  }
}

function normalize(value, assets, used) {
  if (typeof value === 'string') {
    const unpacked = unpack(value);
    if (unpacked) return normalize(unpacked, assets, used);
    return value.replace(/[0-9a-f]{64}/g, (hash) => {
      const asset = assets.get(hash);
      if (!asset) return hash;
      used.add(hash);
      return `<asset:${asset.digest}>`;
    });
  }
  if (Array.isArray(value)) return value.map((v) => normalize(v, assets, used));
  if (value && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = normalize(v, assets, used);
    return out;
  }
  return value;
}

function loadTemplate(outdir, stack) {
  const file = path.join(outdir, `${stack}.template.json`);
  if (!fs.existsSync(file)) return undefined;
  const raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  const assets = loadAssets(outdir);
  const used = new Set();
  const resources = {};
  for (const [id, res] of Object.entries(raw.Resources || {})) {
    if (res.Type === 'AWS::CDK::Metadata') continue;
    const { Metadata, ...rest } = res; // eslint-disable-line no-unused-vars
    resources[id] = normalize(rest, assets, used);
  }
  const conditions = { ...(raw.Conditions || {}) };
  delete conditions.CDKMetadataAvailable;
  return {
    resources,
    outputs: normalize(raw.Outputs || {}, assets, used),
    parameters: raw.Parameters || {},
    conditions: normalize(conditions, assets, used),
    assets,
    usedAssets: used,
  };
}

// ---------- diffing ----------

function show(v) {
  const s = JSON.stringify(v);
  if (s === undefined) return 'undefined';
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** Paths where a and b differ: "path: ts=<a> <binding>=<b>". */
function diff(a, b, binding, p = '') {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  const bothObjects = a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b);
  if (!bothObjects) return [`${p || '(value)'}: ts=${show(a)} ${binding}=${show(b)}`];
  const keys = Array.isArray(a)
    ? [...Array(Math.max(a.length, b.length)).keys()]
    : [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  const out = [];
  for (const k of keys) out.push(...diff(a[k], b[k], binding, p ? `${p}.${k}` : String(k)));
  return out;
}

function pick(obj, keys) {
  const out = {};
  for (const k of keys) if (obj && obj[k] !== undefined) out[k] = obj[k];
  return out;
}

function sortedKeys(obj) {
  return obj && typeof obj === 'object' ? Object.keys(obj).sort() : [];
}

// Key properties per resource type: a function from the resource to what must be equal.
const KEY_CHECKS = [
  {
    what: 'lambda functions (Runtime, Timeout, MemorySize, Handler, Architectures, Layers, env var names and values)',
    types: ['AWS::Lambda::Function'],
    extract: (r) => ({
      ...pick(r.Properties, ['Runtime', 'Timeout', 'MemorySize', 'Handler', 'Architectures', 'Layers', 'ReservedConcurrentExecutions']),
      EnvironmentVariableNames: sortedKeys(r.Properties?.Environment?.Variables),
      Environment: r.Properties?.Environment?.Variables,
    }),
  },
  {
    what: 'events rules (ScheduleExpression, EventPattern, State, targets)',
    types: ['AWS::Events::Rule'],
    extract: (r) => pick(r.Properties, ['ScheduleExpression', 'EventPattern', 'State', 'Targets']),
  },
  {
    what: 'dynamodb tables (KeySchema, AttributeDefinitions, BillingMode, PITR, SSE, TTL, DeletionPolicy)',
    types: ['AWS::DynamoDB::Table'],
    extract: (r) => ({
      ...pick(r.Properties, ['KeySchema', 'AttributeDefinitions', 'BillingMode', 'PointInTimeRecoverySpecification',
        'SSESpecification', 'TimeToLiveSpecification', 'GlobalSecondaryIndexes']),
      DeletionPolicy: r.DeletionPolicy,
      UpdateReplacePolicy: r.UpdateReplacePolicy,
    }),
  },
  {
    what: 'ecs task definitions (Cpu, Memory, compatibilities, container image/cpu/memory/command, env and secret names)',
    types: ['AWS::ECS::TaskDefinition'],
    extract: (r) => ({
      ...pick(r.Properties, ['Cpu', 'Memory', 'RequiresCompatibilities', 'NetworkMode', 'RuntimePlatform']),
      Containers: (r.Properties?.ContainerDefinitions || []).map((c) => ({
        ...pick(c, ['Name', 'Image', 'Cpu', 'Memory', 'MemoryReservation', 'Command', 'EntryPoint', 'Essential', 'PortMappings']),
        EnvironmentNames: (c.Environment || []).map((e) => e.Name).sort(),
        Environment: c.Environment,
        SecretNames: (c.Secrets || []).map((s) => s.Name).sort(),
      })),
    }),
  },
  {
    what: 'ecs services (DesiredCount, capacity providers, network configuration)',
    types: ['AWS::ECS::Service'],
    extract: (r) => pick(r.Properties, ['DesiredCount', 'LaunchType', 'CapacityProviderStrategy', 'NetworkConfiguration',
      'DeploymentConfiguration', 'EnableExecuteCommand']),
  },
  {
    what: 'ecs cluster capacity providers',
    types: ['AWS::ECS::ClusterCapacityProviderAssociations', 'AWS::ECS::Cluster'],
    extract: (r) => r.Properties,
  },
  {
    what: 'msk cluster settings',
    types: ['AWS::MSK::ServerlessCluster', 'AWS::MSK::Cluster', 'AWS::MSK::Configuration'],
    extract: (r) => r.Properties,
  },
  {
    what: 'kafka topics custom resource (topics, partitions, config)',
    types: ['Custom::KafkaTopics'],
    extract: (r) => r.Properties,
  },
  {
    what: 'iam policy statements (Effect, Actions, Resources) and role trust/managed policies',
    types: ['AWS::IAM::Policy', 'AWS::IAM::Role'],
    extract: (r) => {
      const statements = (doc) => (doc?.Statement || []).map((s) => ({
        Effect: s.Effect,
        Action: [].concat(s.Action || []).sort(),
        NotAction: s.NotAction,
        Resource: s.Resource,
        Condition: s.Condition,
      }));
      return r.Type === 'AWS::IAM::Policy'
        ? { Statements: statements(r.Properties?.PolicyDocument), Roles: r.Properties?.Roles }
        : {
          Trust: statements(r.Properties?.AssumeRolePolicyDocument),
          ManagedPolicyArns: r.Properties?.ManagedPolicyArns,
          Inline: (r.Properties?.Policies || []).map((p) => statements(p.PolicyDocument)),
        };
    },
  },
  {
    what: 'cloudwatch alarms (metric, threshold, periods, actions)',
    types: ['AWS::CloudWatch::Alarm'],
    extract: (r) => pick(r.Properties, ['MetricName', 'Namespace', 'Dimensions', 'Metrics', 'Threshold', 'ComparisonOperator',
      'EvaluationPeriods', 'DatapointsToAlarm', 'Period', 'Statistic', 'TreatMissingData', 'AlarmActions', 'OKActions']),
  },
  {
    what: 'api gateway (methods, stage throttling and logging)',
    types: ['AWS::ApiGateway::Method', 'AWS::ApiGateway::Stage', 'AWS::ApiGateway::Resource', 'AWS::ApiGateway::RestApi'],
    extract: (r) => r.Properties,
  },
  {
    what: 'vpc, subnets and security groups',
    types: ['AWS::EC2::VPC', 'AWS::EC2::Subnet', 'AWS::EC2::NatGateway', 'AWS::EC2::SecurityGroup', 'AWS::EC2::SecurityGroupIngress'],
    extract: (r) => r.Properties,
  },
];

// ---------- per stack and binding ----------

function compareAssets(ts, other, binding) {
  // Assets referenced by the TypeScript template, matched by the resource property that names them.
  const diffs = [];
  const tsByDigest = new Map([...ts.assets.values()].map((a) => [a.digest, a]));
  const otherByDigest = new Map([...other.assets.values()].map((a) => [a.digest, a]));
  const tsUsed = [...ts.usedAssets].map((h) => ts.assets.get(h).digest).sort();
  const otherUsed = [...other.usedAssets].map((h) => other.assets.get(h).digest).sort();
  const missing = tsUsed.filter((d) => !otherUsed.includes(d));
  const extra = otherUsed.filter((d) => !tsUsed.includes(d));
  // Pair differing assets by position of their first reference so the diff names the files.
  const refs = (tpl) => {
    const out = {};
    for (const [id, res] of Object.entries(tpl.resources)) {
      const s = JSON.stringify(res);
      for (const m of s.matchAll(/<asset:([0-9a-f]{16})>/g)) if (!out[m[1]]) out[m[1]] = id;
    }
    return out;
  };
  const tsRefs = refs(ts);
  const otherRefs = refs(other);
  for (const d of missing) {
    const id = tsRefs[d];
    const partner = extra.find((e) => otherRefs[e] === id);
    if (!partner) {
      diffs.push(`asset of ${id} (${path.basename(tsByDigest.get(d).location)}) has no counterpart`);
      continue;
    }
    const a = tsByDigest.get(d).location;
    const b = otherByDigest.get(partner).location;
    const details = [];
    if (fs.statSync(a).isDirectory() && fs.statSync(b).isDirectory()) {
      const fa = listFiles(a);
      const fb = listFiles(b);
      for (const f of new Set([...fa, ...fb])) {
        if (!fa.includes(f) || !fb.includes(f)) { details.push(`${f} only in one`); continue; }
        const ca = fs.readFileSync(path.join(a, f));
        const cb = fs.readFileSync(path.join(b, f));
        if (ca.equals(cb)) continue;
        if (f.endsWith('.json')) {
          try {
            details.push(...diff(JSON.parse(ca), JSON.parse(cb), binding, f));
            continue;
          } catch { /* not JSON after all */ }
        }
        details.push(`${f} differs`);
      }
    } else {
      details.push('content differs');
    }
    diffs.push(`asset of ${id}: ${details.join('; ')}`);
  }
  for (const d of extra) {
    if (!missing.some((m) => otherRefs[d] === tsRefs[m])) diffs.push(`extra asset referenced by ${otherRefs[d]}`);
  }
  return { diffs, count: tsUsed.length };
}

function compareStack(stack, binding, bindingOutdir) {
  const tsOutdir = path.join(root, 'examples', 'typescript', STACKS[stack], 'cdk.out');
  const ts = loadTemplate(tsOutdir, stack);
  const other = loadTemplate(bindingOutdir, stack);
  if (!ts || !other) {
    report(false, stack, binding, 'templates exist', [
      !ts ? `missing ${path.relative(root, path.join(tsOutdir, `${stack}.template.json`))} (run npm run synth:examples)` : '',
      !other ? `missing ${path.relative(root, path.join(bindingOutdir, `${stack}.template.json`))}` : '',
    ].filter(Boolean));
    return;
  }

  // 1. Same logical ids and types.
  const idDiffs = [];
  for (const [id, r] of Object.entries(ts.resources)) {
    if (!other.resources[id]) idDiffs.push(`missing ${id} (${r.Type})`);
    else if (other.resources[id].Type !== r.Type) idDiffs.push(`${id}: ts=${r.Type} ${binding}=${other.resources[id].Type}`);
  }
  for (const [id, r] of Object.entries(other.resources)) if (!ts.resources[id]) idDiffs.push(`extra ${id} (${r.Type})`);
  report(idDiffs.length === 0, stack, binding, `logical ids and types (${Object.keys(ts.resources).length} resources)`, idDiffs);

  // 2. Key properties, per resource type.
  for (const check of KEY_CHECKS) {
    const ids = Object.keys(ts.resources).filter((id) => check.types.includes(ts.resources[id].Type)).sort();
    if (ids.length === 0) continue;
    const diffs = [];
    for (const id of ids) {
      const o = other.resources[id];
      if (!o) { diffs.push(`missing ${id}`); continue; }
      diffs.push(...diff(check.extract(ts.resources[id]), check.extract(o), binding, id));
    }
    report(diffs.length === 0, stack, binding, `${check.what} [${ids.length}]`, diffs);
  }

  // 3. Asset contents (the hash itself is ignored; what the asset holds is not).
  const assets = compareAssets(ts, other, binding);
  report(assets.diffs.length === 0, stack, binding, `asset contents [${assets.count}]`, assets.diffs);

  // 4. Outputs and parameters.
  report(true && diff({ Outputs: ts.outputs, Parameters: ts.parameters, Conditions: ts.conditions },
    { Outputs: other.outputs, Parameters: other.parameters, Conditions: other.conditions }, binding).length === 0,
  stack, binding, `outputs and parameters (${Object.keys(ts.outputs).length} outputs)`,
  diff({ Outputs: ts.outputs, Parameters: ts.parameters, Conditions: ts.conditions },
    { Outputs: other.outputs, Parameters: other.parameters, Conditions: other.conditions }, binding));

  // 5. Everything else: every property of every resource, assets normalized, metadata ignored.
  const all = [];
  for (const id of Object.keys(ts.resources).sort()) {
    if (other.resources[id]) all.push(...diff(ts.resources[id], other.resources[id], binding, id));
  }
  report(all.length === 0, stack, binding, 'all resource properties (assets by content, metadata ignored)', all);
}

for (const binding of bindings) {
  const outdir = path.join(root, 'examples', binding, 'cdk.out');
  for (const stack of Object.keys(STACKS)) compareStack(stack, binding, outdir);
}
console.log(`bindings: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);

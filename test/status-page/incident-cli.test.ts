/**
 * The `status-page-incident` CLI against dynalite: the bundle the package ships as its bin
 * (assets/status-page/incident-cli/index.js, built by `npx projen bundle`) runs as a child process with
 * the endpoint in AWS_ENDPOINT_URL_DYNAMODB, as an operator runs it with their own credentials.
 * What it writes is read back through the page's read model (readSnapshot).
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../src/shared/runtime/aws-clients';
import { USAGE, UsageError, runIncidentCommand } from '../../src/status-page/runtime/incident-command';
import { readSnapshot } from '../../src/status-page/runtime/read-snapshot';
import { LocalDynamo, startDynalite } from '../helpers/dynalite';
import { pageConfig, tcpChecks } from './runtime/helpers/config';

const run = promisify(execFile);
const CLI = path.join(__dirname, '../../assets/status-page/incident-cli/index.js');

let dynamo: LocalDynamo;
let doc: DynamoDBDocumentClient;
beforeAll(async () => {
  dynamo = await startDynalite();
  doc = documentClient(dynamo.client);
});
afterAll(() => dynamo.stop());

async function cli(table: string | undefined, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    PATH: process.env.PATH,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'operator',
    AWS_SECRET_ACCESS_KEY: 'operator-secret',
    NODE_NO_WARNINGS: '1',
    ...(table ? { STATUS_PAGE_TABLE: table } : {}),
  };
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

test('open, update and resolve an incident from the command line; the page shows it with its updates', async () => {
  const table = await dynamo.createStatusTable();
  const config = pageConfig(tcpChecks(['api', 'web']));

  const opened = await cli(table, 'open', '--title', 'Checkout errors', '--impact', 'major', '--checks', 'api, web',
    '--message', 'We are looking into failed payments.');
  expect(opened).toMatchObject({ code: 0, stderr: '' });
  const id = /^opened (\S+)\n$/.exec(opened.stdout)![1];
  expect(id).toMatch(/^\d{4}-\d{2}-\d{2}-checkout-errors$/);

  expect(await cli(table, 'update', id, '--state', 'identified', '--message', 'A bad deploy; rolling back.'))
    .toMatchObject({ code: 0, stdout: `updated ${id}\n` });
  const listed = await cli(table, 'list');
  expect(listed.stdout).toMatch(new RegExp(`^${id}\\tmajor\\tidentified\\t\\S+\\tCheckout errors\\n$`));

  const open = await readSnapshot(doc, table, config, new Date());
  expect(open.incidents).toHaveLength(1);
  expect(open.incidents[0]).toMatchObject({ id, title: 'Checkout errors', impact: 'major', checks: ['api', 'web'] });
  expect(open.incidents[0].resolvedAt).toBeUndefined();
  expect(open.incidents[0].updates.map((u) => [u.state, u.message])).toEqual([
    ['investigating', 'We are looking into failed payments.'],
    ['identified', 'A bad deploy; rolling back.'],
  ]);

  expect(await cli(table, 'resolve', id, '--message', 'Payments work again.')).toMatchObject({ code: 0, stdout: `resolved ${id}\n` });
  const resolved = await readSnapshot(doc, table, config, new Date());
  expect(resolved.incidents).toHaveLength(1);
  expect(resolved.incidents[0].resolvedAt).toBe(resolved.incidents[0].updates[2].at);
  expect(resolved.incidents[0].updates[2]).toMatchObject({ state: 'resolved', message: 'Payments work again.' });

  // A resolved incident takes no more updates.
  const late = await cli(table, 'update', id, '--message', 'one more');
  expect(late.code).toBe(1);
  expect(late.stderr).toContain(`incident "${id}" is resolved; open a new incident instead`);
}, 60_000);

test('bad input gets a clear message naming the argument, and exit code 2 for usage errors', async () => {
  const table = await dynamo.createStatusTable();
  const noTable = await cli(undefined, 'list');
  expect(noTable.code).toBe(2);
  expect(noTable.stderr).toContain('--table is required (or set STATUS_PAGE_TABLE)');

  const badImpact = await cli(table, 'open', '--title', 'x', '--message', 'y', '--impact', 'huge');
  expect(badImpact.code).toBe(1);
  expect(badImpact.stderr).toContain('impact must be one of minor, major, critical; got "huge"');

  const unknown = await cli(table, 'update', 'no-such-incident', '--message', 'y');
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toContain('no incident with id "no-such-incident"');

  const noMessage = await cli(table, 'open', '--title', 'x');
  expect(noMessage.code).toBe(2);
  expect(noMessage.stderr).toContain('--message is required');
}, 60_000);

describe('in-process', () => {
  const lines: string[] = [];
  const ctx = (now: Date) => ({ doc, env: {}, now: () => now, out: (line: string) => lines.push(line) });

  test('the page shows open incidents of any age and those resolved in the last 14 days, newest first', async () => {
    const table = await dynamo.createStatusTable();
    const day = (d: number) => new Date(Date.UTC(2026, 2, 1 + d, 9));
    await runIncidentCommand(['open', '--table', table, '--id', 'old-open', '--title', 'Old', '--message', 'm'], ctx(day(0)));
    await runIncidentCommand(['open', '--table', table, '--id', 'resolved-15d', '--title', 'A', '--message', 'm'], ctx(day(1)));
    await runIncidentCommand(['resolve', 'resolved-15d', '--table', table, '--message', 'done'], ctx(day(2)));
    await runIncidentCommand(['open', '--table', table, '--id', 'resolved-13d', '--title', 'B', '--message', 'm'], ctx(day(3)));
    await runIncidentCommand(['resolve', 'resolved-13d', '--table', table, '--message', 'done'], ctx(day(4)));
    const snap = await readSnapshot(doc, table, pageConfig(tcpChecks(['api'])), new Date(day(17).getTime() + 3_600_000));
    expect(snap.incidents.map((i) => i.id)).toEqual(['resolved-13d', 'old-open']);
  });

  test('an incident at its limits (100 updates of 2,000 characters) fits a DynamoDB item; the last one is kept for the resolution', async () => {
    const table = await dynamo.createStatusTable();
    const text = (i: number) => `${i} `.padEnd(2000, 'x\u00e9'); // 2-byte characters too: the limit is in bytes
    const base = Date.UTC(2026, 2, 1);
    const at = (i: number) => ctx(new Date(base + i * 60_000));
    await runIncidentCommand(['open', '--table', table, '--id', 'big', '--title', 'T'.repeat(200), '--message', text(0)], at(0));
    for (let i = 1; i < 99; i++) {
      await runIncidentCommand(['update', 'big', '--table', table, '--state', 'monitoring', '--message', text(i)], at(i));
    }
    await expect(runIncidentCommand(['update', 'big', '--table', table, '--message', 'more'], at(99)))
      .rejects.toThrow('incident "big" has 99 updates, the most one incident keeps before its resolution; resolve it and open a new one');
    await runIncidentCommand(['resolve', 'big', '--table', table, '--message', text(99)], at(99));
    const snap = await readSnapshot(doc, table, pageConfig(tcpChecks(['api'])), new Date(base + 3_600_000 * 3));
    expect(snap.incidents[0].updates).toHaveLength(100);
    expect(snap.incidents[0].updates[99]).toEqual({ at: new Date(base + 99 * 60_000).toISOString(), state: 'resolved', message: text(99) });
  });

  test('usage errors are UsageError; an id that is taken is refused', async () => {
    const table = await dynamo.createStatusTable();
    await expect(runIncidentCommand(['close', 'x', '--table', table], ctx(new Date()))).rejects.toThrow(UsageError);
    await expect(runIncidentCommand(['list', '--table', table, '--colour'], ctx(new Date()))).rejects.toThrow(/Unknown option '--colour'/);
    await runIncidentCommand(['open', '--table', table, '--id', 'db', '--title', 'DB', '--message', 'm'], ctx(new Date()));
    await expect(runIncidentCommand(['open', '--table', table, '--id', 'db', '--title', 'DB', '--message', 'm'], ctx(new Date())))
      .rejects.toThrow('an incident with id "db" exists already');
    lines.length = 0;
    await runIncidentCommand([], ctx(new Date()));
    expect(lines).toEqual([USAGE]);
  });
});

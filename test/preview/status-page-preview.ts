/**
 * `npm run preview`: the status page on your machine, no AWS account needed. The real checker
 * (runChecks: HTTP and TCP probes, smoothing, storage) runs every interval against an
 * in-process DynamoDB (dynalite), and the real renderer serves the page, status.json, the feed
 * and the badges on http://127.0.0.1:<port>/ behind the same proxy header as in AWS.
 *
 *   npm run preview -- [--checks config.json] [--template page.mustache] [--port 8080] [--interval 60]
 *
 * --checks    a StatusPageConfig JSON file (the construct's config: title, checks, thresholds);
 *             default: the checks of the example app (examples/typescript/status-page), read from
 *             the config the StatusPage construct writes when the example stack is synthesized
 * --template  a custom mustache template, re-read on every request (the dev loop for templates)
 * --port      0 picks a free port
 * --interval  seconds between checker runs (default: the config's)
 *
 * Prints one line `PREVIEW <url> <header-name> <secret>` once it serves. Stops on SIGINT/SIGTERM:
 * the timer, the server and dynalite are closed and the process exits 0.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { App } from 'aws-cdk-lib';
import { documentClient } from '../../src/shared/runtime/aws-clients';
import { createLogger } from '../../src/shared/runtime/logger';
import { DEFAULT_TEMPLATE } from '../../src/status-page/runtime/default-template';
import { DEFAULT_CONFIG_PATH } from '../../src/status-page/runtime/environment';
import { StatusPageConfig } from '../../src/status-page/runtime/model';
import { createRenderer } from '../../src/status-page/runtime/page-renderer';
import { readSnapshot } from '../../src/status-page/runtime/read-snapshot';
import { runChecks } from '../../src/status-page/runtime/run-checks';
import { CachedSecret } from '../../src/status-page/runtime/secret-source';
import { startDynalite } from '../helpers/dynalite';
import { sendProxyResult } from '../helpers/proxy-response';

const HEADER = 'x-status-page-auth';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const value = process.argv[i + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`--${name} needs a value`);
  return value;
}

/** The config the StatusPage construct writes (into its config layer) for the example app's stack. */
function exampleConfig(): StatusPageConfig {
  // Loaded here, not at the top: only the default needs the example (and the CDK).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { StatusPageStack } = require('../../examples/typescript/status-page/status-page-stack');
  const outdir = mkdtempSync(join(tmpdir(), 'status-page-preview-'));
  try {
    const app = new App({ outdir });
    new StatusPageStack(app, 'StatusPageExample');
    app.synth();
    const relative = DEFAULT_CONFIG_PATH.replace(/^\/opt\//, '');
    const asset = readdirSync(outdir).find((d) => d.startsWith('asset.') && existsSync(join(outdir, d, relative)));
    if (!asset) throw new Error('the example stack wrote no status page config');
    return JSON.parse(readFileSync(join(outdir, asset, relative), 'utf8'));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function positiveInteger(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, got "${value}"`);
  return n;
}

const USAGE = `usage: npm run preview -- [options]

  --checks <config.json>      a StatusPageConfig JSON file (title, checks, thresholds); default: the
                              checks of the example app (examples/typescript/status-page)
  --template <page.mustache>  a custom mustache template, re-read on every request
  --port <n>                  where to serve on 127.0.0.1 (default 8080; 0 picks a free port)
  --interval <seconds>        time between checker runs (default: the config's)

Prints the URL and the header to send; Ctrl-C stops it.`;

const KNOWN_OPTIONS = new Set(['--checks', '--template', '--port', '--interval']);

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(USAGE);
    return;
  }
  const unknown = process.argv.slice(2).filter((arg, i, args) => arg.startsWith('-') && !KNOWN_OPTIONS.has(arg) && !KNOWN_OPTIONS.has(args[i - 1]));
  if (unknown.length > 0) throw new Error(`unknown option ${unknown[0]}\n\n${USAGE}`);
  const checksFile = option('checks');
  const templateFile = option('template');
  const loaded: StatusPageConfig = checksFile ? JSON.parse(readFileSync(resolve(checksFile), 'utf8')) : exampleConfig();
  if (!Array.isArray(loaded.checks)) throw new Error(`${checksFile ?? 'the example config'}: "checks" must be a list`);
  const intervalSeconds = positiveInteger('interval', option('interval'), loaded.intervalSeconds);
  if (intervalSeconds < 1) throw new Error('--interval must be at least 1 second');
  const config: StatusPageConfig = { ...loaded, intervalSeconds };
  const port = positiveInteger('port', option('port'), 8080);
  const log = createLogger('status-page-preview');

  const dynamo = await startDynalite();
  const doc = documentClient(dynamo.client);
  const tableName = await dynamo.createStatusTable('status-page-preview');
  const secret = randomBytes(16).toString('hex');

  let running: Promise<unknown> = Promise.resolve();
  const probe = () => {
    running = runChecks({ doc, tableName, config, log, metricsSink: () => undefined })
      .catch((e) => log.error('checker run failed', { error: String(e) }));
  };
  probe();
  const timer = setInterval(probe, intervalSeconds * 1000);

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const headers: Record<string, string> = {};
    const multiValueHeaders: Record<string, string[]> = {};
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const [name, value] = [req.rawHeaders[i], req.rawHeaders[i + 1]];
      headers[name] = value;
      (multiValueHeaders[name] ??= []).push(value);
    }
    const render = createRenderer({
      config,
      template: templateFile ? readFileSync(resolve(templateFile), 'utf8') : DEFAULT_TEMPLATE,
      readSnapshot: (now) => readSnapshot(doc, tableName, config, now),
      auth: { headerName: HEADER, secret: new CachedSecret(async () => secret) },
      log,
    });
    render({
      httpMethod: req.method ?? 'GET',
      path: url.pathname,
      resource: url.pathname === '/' ? '/' : '/{proxy+}',
      headers,
      multiValueHeaders,
      queryStringParameters: Object.fromEntries(url.searchParams),
    }).then((out) => sendProxyResult(res, out)).catch((e) => {
      res.statusCode = 500;
      res.end(String(e));
    });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  process.stdout.write(`PREVIEW ${url} ${HEADER} ${secret}\n`);
  process.stdout.write(`${config.checks.length} checks, probed every ${intervalSeconds} s. Try: curl -H '${HEADER}: ${secret}' ${url}\n`);

  const stop = async () => {
    clearInterval(timer);
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await running;
    await dynamo.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((e) => {
  process.stderr.write(`preview: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});

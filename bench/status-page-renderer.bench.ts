/**
 * StatusPage renderer benchmark (issue 13): the renderer's request path (createRenderer: auth,
 * route, view, mustache, compression) for 20, 100 and 1,000 checks with 90 days of history,
 * 24 hours of latency, incidents, maintenance and 200 status changes (test/status-page/renderer/large-page.ts).
 *
 * Prints per size: page and status.json bytes raw, brotli and gzip; the Lambda response object
 * size (what counts against the 6 MB limit); median render time; and the renderer's peak memory
 * (max RSS of a fresh Node process that renders the page 5 times, so the figure is the
 * renderer's own, printed also as the rise above the process's footprint before the snapshot
 * was built, as ts-node alone takes about 200 MB). Each size runs in its own child process. Prints figures only; asserts nothing.
 *
 * Environment: BENCH_REPS (default 7) renders per size for the median.
 */
import { spawnSync } from 'node:child_process';
import { DEFAULT_TEMPLATE } from '../src/status-page/runtime/default-template';
import { createRenderer } from '../src/status-page/runtime/page-renderer';
import { ApiGatewayProxyResult } from '../src/status-page/runtime/proxy-event';
import { CachedSecret } from '../src/status-page/runtime/secret-source';
import { proxyResultBytes } from '../test/helpers/proxy-response';
import { SILENT_LOG } from '../test/helpers/recording-log';
import { config, event, NOW } from '../test/status-page/renderer/fixtures';
import { largeSnapshot } from '../test/status-page/renderer/large-page';

const REPS = Number(process.env.BENCH_REPS ?? '7');
const HEADER = 'x-status-page-auth';
const SECRET = 'bench';
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

async function measure(count: number): Promise<void> {
  // Node, ts-node and the compiled sources, before any page exists.
  const baseline = process.resourceUsage().maxRSS / 1024;
  const snapshot = largeSnapshot(count);
  const render = createRenderer({
    config: config({ intervalSeconds: 60 }),
    template: DEFAULT_TEMPLATE,
    readSnapshot: async () => snapshot,
    auth: { headerName: HEADER, secret: new CachedSecret(async () => SECRET) },
    now: () => NOW,
    log: SILENT_LOG,
  });
  const get = (path: string, encoding?: string): Promise<ApiGatewayProxyResult> =>
    render(event(path, { [HEADER]: SECRET, ...(encoding ? { 'accept-encoding': encoding } : {}) }));
  const times: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const started = process.hrtime.bigint();
    await get('/', 'gzip, deflate, br');
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  times.sort((a, b) => a - b);
  const row = async (path: string) => {
    const raw = await get(path);
    const br = await get(path, 'br');
    const gzip = await get(path, 'gzip');
    return `${path.padEnd(12)} raw ${kb(raw.body.length).padStart(10)}  br ${kb(proxyResultBytes(br).length).padStart(9)}  gzip ${kb(proxyResultBytes(gzip).length).padStart(9)}`
      + `  Lambda response ${kb(JSON.stringify(raw).length)} raw / ${kb(JSON.stringify(br).length)} br`;
  };
  console.log(`${count} checks: render + brotli median ${times[Math.floor(times.length / 2)].toFixed(0)} ms (min ${times[0].toFixed(0)}, max ${times[times.length - 1].toFixed(0)}), peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB (${(process.resourceUsage().maxRSS / 1024 - baseline).toFixed(0)} MB above the ${baseline.toFixed(0)} MB of Node + ts-node before the snapshot)`);
  console.log(`  ${await row('/')}`);
  console.log(`  ${await row('/status.json')}`);
}

if (process.argv[2]) {
  void measure(Number(process.argv[2]));
} else {
  for (const count of [20, 100, 1000]) {
    const res = spawnSync(process.execPath, ['-r', 'ts-node/register', __filename, String(count)], { stdio: 'inherit', env: process.env });
    if (res.status !== 0) process.exitCode = 1;
  }
}

import { execFileSync } from 'node:child_process';
import { Browser, chromium } from 'playwright-core';

/**
 * Headless Chromium from the npm package @sparticuz/chromium (it ships its own binary, unpacked
 * to the temp folder on first use), driven by playwright-core: `npm test` needs no system
 * browser. The flags keep it from reaching for a network it does not have. A browser that does
 * not start fails the test: it never skips.
 */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumExecutablePath(),
    args: [
      '--no-sandbox', '--no-zygote', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-domain-reliability', '--no-pings',
    ],
  });
}

let executablePath: string | undefined;

/**
 * @sparticuz/chromium is an ES module, which jest's CommonJS test runtime cannot import: a
 * short Node process unpacks the binary (about 2 s the first time) and prints its path.
 */
export function chromiumExecutablePath(): string {
  // jest's globalSetup unpacks it once for every worker (global-setup.ts)
  executablePath ??= process.env.CHROMIUM_EXECUTABLE_PATH || execFileSync(process.execPath, [
    '--input-type=module',
    '-e',
    "import chromium from '@sparticuz/chromium'; process.stdout.write(await chromium.executablePath());",
  ], { encoding: 'utf8', cwd: __dirname, timeout: 60_000 }).trim();
  return executablePath;
}

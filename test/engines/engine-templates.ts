// Builds the engine templates of examples/engines/ as a team that copied one would: the folder is
// copied out of the source tree, `npm ci` installs what its package.json and lockfile name (from
// the npm registry), `npm run build` runs tsc and `npm prune --omit=dev` leaves what the Dockerfile's
// image holds (no compiler, no types). Builds are cached under node_modules/.cache by a
// hash of the template's files, so only the first run (or a changed template) pays for the install.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const TEMPLATES_DIR = path.join(REPO_ROOT, 'examples', 'engines');
const CACHE_DIR = path.join(REPO_ROOT, 'node_modules', '.cache', 'engine-templates');

export type TypeScriptTemplate = 'typescript-stream-engine' | 'typescript-object-engine';

/** The template's own files (what a copy takes), relative to its folder, sorted. */
export function templateFiles(template: string): string[] {
  const root = path.join(TEMPLATES_DIR, template);
  const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules' || entry.name === 'dist') return [];
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? walk(full) : [path.relative(root, full)];
  });
  return walk(root).sort();
}

/** A copy of a template with some of its files replaced, as a team fills in its own model. */
export interface TemplateVariant {
  /** Names the build (letters, digits, '-'). */
  readonly name: string;
  /** Path in the template -> the text that replaces it. */
  readonly files: Readonly<Record<string, string>>;
}

/**
 * Returns the folder of a built copy of `template` (run `node <folder>/dist/main.js`), with the
 * files of `variant` replaced. Safe to call from several jest workers at once: each builds in its
 * own folder and the first rename wins.
 */
export function buildTemplate(template: TypeScriptTemplate, variant?: TemplateVariant): string {
  const source = path.join(TEMPLATES_DIR, template);
  const contents = new Map(templateFiles(template).map((file) => [file, fs.readFileSync(path.join(source, file))]));
  for (const [file, text] of Object.entries(variant?.files ?? {})) {
    if (!contents.has(file)) throw new Error(`${template} has no file ${file} to replace`);
    contents.set(file, Buffer.from(text));
  }
  const hash = createHash('sha256');
  for (const [file, content] of contents) {
    hash.update(file).update('\0').update(content).update('\0');
  }
  const label = variant ? `${template}+${variant.name}` : template;
  const built = path.join(CACHE_DIR, `${label}-${hash.digest('hex').slice(0, 16)}`);
  if (fs.existsSync(path.join(built, 'dist', 'main.js'))) {
    return built;
  }
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const work = fs.mkdtempSync(path.join(CACHE_DIR, `${label}-build-`));
  for (const [file, content] of contents) {
    fs.mkdirSync(path.dirname(path.join(work, file)), { recursive: true });
    fs.writeFileSync(path.join(work, file), content);
  }
  const run = (args: string[]) => execFileSync('npm', args, { cwd: work, stdio: 'pipe', timeout: 300_000, env: { ...process.env, npm_config_update_notifier: 'false' } });
  try {
    run(['ci', '--no-audit', '--no-fund', '--loglevel=error']);
    run(['run', 'build']);
    run(['prune', '--omit=dev', '--no-audit', '--no-fund', '--loglevel=error']);
  } catch (error) {
    fs.rmSync(work, { recursive: true, force: true });
    const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`building ${label} failed: ${(error as Error).message}\n${stdout ?? ''}${stderr ?? ''}`);
  }
  try {
    fs.renameSync(work, built);
  } catch {
    fs.rmSync(work, { recursive: true, force: true }); // another worker built it first
  }
  // builds of earlier versions of the same template and variant are not used again
  const earlier = new RegExp(`^${label.replace(/[+]/g, '\\+')}-[0-9a-f]{16}$`);
  for (const old of fs.readdirSync(CACHE_DIR).filter((name) => earlier.test(name))) {
    if (path.join(CACHE_DIR, old) !== built) {
      fs.rmSync(path.join(CACHE_DIR, old), { recursive: true, force: true });
    }
  }
  return built;
}

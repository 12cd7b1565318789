// `npm run pipeline:local [-- options]`: the StreamEnginePipeline on this machine (see README.md
// beside this file). Ctrl-C (SIGINT) or SIGTERM stops it: the replay, the schedules, every engine
// process (SIGTERM, as ECS stops tasks), the Lambdas, and the broker when this run started it;
// then it exits 0. A second Ctrl-C exits at once.
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { EngineCommand, parseCommand } from './engine-process';
import { EngineKind } from './local-ecs';
import { LocalPipeline } from './local-pipeline';
import { TerminalView } from './terminal-view';
import { buildTemplate, REPO_ROOT } from '../../test/engines/engine-templates';

const USAGE = `usage: npm run pipeline:local [-- options]

  --speed <n>                    replay the sample n times as fast (default 1: real time)
  --sample <file.jsonl>          the sample to replay (default examples/local-pipeline/sample/streams.jsonl)
  --stream-engine-command <cmd>  run every stream engine task as this command (default: the TypeScript
                                 stream engine template, built on first use)
  --object-engine-command <cmd>  the same for object engine tasks (default: the TypeScript object engine template)
  --pipeline-name <name>         prefix of topics and groups (default local-<time>: fresh topics each run)
  --reconcile-seconds <n>        how often the Coordinator's reconcile run comes (default 10; deployed: 60)
  --log-dir <dir>                where every process logs (default .tmp/local-pipeline/<pipeline name>)

Kafka: the broker KAFKA_BOOTSTRAP names when it is reachable, else scripts/kafka/broker.sh starts one
(Java 17 and Maven) and stops it at the end.`;

function options() {
  const { values } = parseArgs({
    options: {
      'speed': { type: 'string', default: '1' },
      'sample': { type: 'string', default: path.join(__dirname, 'sample', 'streams.jsonl') },
      'stream-engine-command': { type: 'string' },
      'object-engine-command': { type: 'string' },
      'pipeline-name': { type: 'string', default: `local-${Date.now().toString(36)}` },
      'reconcile-seconds': { type: 'string', default: '10' },
      'log-dir': { type: 'string' },
      'help': { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const positive = (name: 'speed' | 'reconcile-seconds') => {
    const n = Number(values[name]);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number; got '${values[name]}'`);
    return n;
  };
  const pipelineName = values['pipeline-name'];
  if (!/^[A-Za-z0-9._-]{1,60}$/.test(pipelineName)) throw new Error(`--pipeline-name must be 1 to 60 letters, digits, '.', '_' or '-'; got '${pipelineName}'`);
  return {
    pipelineName,
    speed: positive('speed'),
    reconcileSeconds: positive('reconcile-seconds'),
    sampleFile: path.resolve(values.sample),
    logDir: path.resolve(values['log-dir'] ?? path.join(REPO_ROOT, '.tmp', 'local-pipeline', pipelineName)),
    commands: { stream: values['stream-engine-command'], object: values['object-engine-command'] },
  };
}

/** The engine command of each kind: the one given, or the TypeScript template's (built once, then cached). */
function engineCommands(given: Record<EngineKind, string | undefined>, say: (line: string) => void): Record<EngineKind, EngineCommand> {
  const command = (kind: EngineKind): EngineCommand => {
    const text = given[kind];
    if (text !== undefined) return parseCommand(text, `--${kind}-engine-command`);
    say(`engines: the TypeScript ${kind} engine template (examples/engines/typescript-${kind}-engine; the first run installs and builds it)`);
    return { program: process.execPath, args: [path.join(buildTemplate(`typescript-${kind}-engine`), 'dist', 'main.js')] };
  };
  return { stream: command('stream'), object: command('object') };
}

async function main(): Promise<void> {
  const say = (line: string) => console.log(`· ${line}`);
  let settings: ReturnType<typeof options>;
  try {
    settings = options();
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }

  let pipeline: LocalPipeline | undefined;
  let view: TerminalView | undefined;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      console.error(`${signal} again: exiting now`);
      process.exit(130);
    }
    stopping = true;
    view?.stop();
    console.log(`\n${signal}: stopping the replay, the schedules, every engine (SIGTERM) and the Lambdas`);
    await pipeline?.stop();
    console.log('stopped: every process this run started has ended');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  try {
    pipeline = new LocalPipeline({
      pipelineName: settings.pipelineName,
      sampleFile: settings.sampleFile,
      speed: settings.speed,
      reconcileSeconds: settings.reconcileSeconds,
      engineCommands: engineCommands(settings.commands, say),
      logDir: settings.logDir,
      say,
    });
    await pipeline.start();
  } catch (error) {
    if (stopping) return; // stop() finishes and exits
    const message = (error as Error).message;
    // a fresh clone has no handler bundles until `projen bundle` (which pipeline:local runs first)
    const hint = message.includes('Cannot find asset') ? '\nthe handler bundles are missing: run `npx projen bundle`' : '';
    console.error(`the local pipeline could not start: ${message}${hint}`);
    process.exit(1);
  }
  const started = pipeline;
  view = new TerminalView(() => started.frame());
  if (!view.interactive) started.onActivity = (line) => console.log(line);
  view.start();
}

void main();

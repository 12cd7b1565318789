/**
 * The `status-page-incident` command line: parses the arguments and runs one incident action
 * (incidents.ts) against the status table. Separate from the entry point (incident-cli.ts) so
 * tests run it in-process with a DocumentClient of their own.
 *
 *   status-page-incident open    --table T --title "..." --message "..." [--impact minor|major|critical]
 *                                [--checks a,b] [--state investigating|identified|monitoring] [--id ID]
 *   status-page-incident update  ID --table T --message "..." [--state ...] [--title ...] [--impact ...]
 *   status-page-incident resolve ID --table T --message "..."
 *   status-page-incident list    --table T
 *
 * `--table` may be replaced by the STATUS_PAGE_TABLE environment variable (the table name is the
 * StatusPage's `tableName` output).
 */
import { parseArgs } from 'node:util';
import {
  INCIDENT_IMPACTS, INCIDENT_STATES, StoredIncident, allIncidents, openIncident, updateIncident,
} from './incidents';
import { IncidentState, IncidentView } from './model';
import { DocumentSender } from '../../shared/runtime/dynamo-batch';

export const TABLE_ENV = 'STATUS_PAGE_TABLE';

export const USAGE = `Usage: status-page-incident <command> [options]
  open     --title TEXT --message TEXT [--impact minor|major|critical] [--checks a,b] [--state STATE] [--id ID]
  update   ID --message TEXT [--state STATE] [--title TEXT] [--impact IMPACT]
  resolve  ID --message TEXT
  list
Every command takes --table NAME (or ${TABLE_ENV}=NAME).
STATE: ${INCIDENT_STATES.join(', ')} (default investigating). IMPACT: ${INCIDENT_IMPACTS.join(', ')} (default minor).
Uses your AWS credentials and region as the AWS CLI does (AWS_PROFILE, AWS_REGION, ...).`;

/** A usage error: the CLI prints it with the usage text and exits 2. */
export class UsageError extends Error {}

export interface CommandContext {
  readonly doc: DocumentSender;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly now: () => Date;
  /** Receives each line of output. */
  readonly out: (line: string) => void;
}

const OPTIONS = {
  table: { type: 'string' },
  title: { type: 'string' },
  message: { type: 'string' },
  impact: { type: 'string' },
  state: { type: 'string' },
  checks: { type: 'string' },
  id: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Runs one command; throws UsageError on bad arguments and Error when the action is refused. */
export async function runIncidentCommand(argv: string[], ctx: CommandContext): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [command, id, ...extra] = positionals;
  if (values.help || command === undefined) {
    ctx.out(USAGE);
    return;
  }
  if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
  const table = values.table ?? ctx.env[TABLE_ENV];
  if (!table) throw new UsageError(`--table is required (or set ${TABLE_ENV})`);

  switch (command) {
    case 'open': {
      if (id !== undefined) throw new UsageError(`open takes no positional argument (use --id ${id})`);
      const incident = await openIncident(ctx.doc, table, {
        id: values.id,
        title: required(values.title, 'title'),
        message: required(values.message, 'message'),
        impact: (values.impact ?? 'minor') as IncidentView['impact'],
        state: (values.state ?? 'investigating') as IncidentState,
        checks: values.checks ? values.checks.split(',').map((c) => c.trim()).filter((c) => c !== '') : [],
      }, ctx.now());
      ctx.out(`opened ${incident.id}`);
      return;
    }
    case 'update':
    case 'resolve': {
      if (id === undefined) throw new UsageError(`${command} needs the incident id (see: status-page-incident list)`);
      if (command === 'resolve' && values.state !== undefined) throw new UsageError('resolve takes no --state (it is resolved)');
      const incident = await updateIncident(ctx.doc, table, id, {
        state: (command === 'resolve' ? 'resolved' : values.state ?? 'investigating') as IncidentState,
        message: required(values.message, 'message'),
        title: values.title,
        impact: values.impact as IncidentView['impact'] | undefined,
      }, ctx.now());
      ctx.out(`${incident.resolvedAt ? 'resolved' : 'updated'} ${incident.id}`);
      return;
    }
    case 'list': {
      const incidents = await allIncidents(ctx.doc, table);
      if (incidents.length === 0) ctx.out('no incidents');
      for (const incident of incidents) ctx.out(describeIncident(incident));
      return;
    }
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}; commands: open, update, resolve, list`);
  }
}

function describeIncident(incident: StoredIncident): string {
  const last = incident.updates[incident.updates.length - 1];
  return `${incident.id}\t${incident.impact}\t${last?.state ?? '-'}\t${incident.startedAt}\t${incident.title}`;
}

function required(value: string | undefined, name: string): string {
  if (value === undefined) throw new UsageError(`--${name} is required`);
  return value;
}

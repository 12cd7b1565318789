// The last things the pipeline did, for the terminal view: what the Coordinator and the lag
// scaler logged (their Powertools JSON lines; the lag scaler's "hold" decisions of every poll left
// out) and what the local ECS did.

const KEEP = 8;
/** The log fields worth a glance, in this order. */
const FIELDS = ['streamId', 'engine', 'launch', 'current', 'desired', 'lag', 'status', 'why', 'reason', 'error'];

export class ActivityLog {
  private readonly entries: string[] = [];

  /** `onEntry` gets each entry as it is added (the plain output prints it). */
  constructor(private readonly onEntry?: (line: string) => void) {}

  add(source: string, text: string): void {
    const line = `${new Date().toTimeString().slice(0, 8)} ${source.padEnd(11)} ${text}`;
    this.entries.push(line);
    this.entries.splice(0, this.entries.length - KEEP);
    this.onEntry?.(line);
  }

  /** A handler's log line, unless it is routine. */
  addHandlerLog(source: string, entry: Record<string, unknown>): void {
    const action = entry.action;
    if (entry.message === 'scaling decision' && (action === 'hold' || action === 'no-data')) return;
    const fields = FIELDS.filter((f) => entry[f] !== undefined && entry[f] !== null).map((f) => `${f}=${format(entry[f])}`);
    const level = entry.level === 'WARN' || entry.level === 'ERROR' ? `${String(entry.level)} ` : '';
    this.add(source, `${level}${String(entry.message)}${action ? ` (${String(action)})` : ''}${fields.length ? `  ${fields.join(' ')}` : ''}`);
  }

  recent(): readonly string[] {
    return this.entries;
  }
}

function format(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

import { check, config, event, NOW, snapshot } from './fixtures';
import { ATOM_NAMESPACE, renderAtomFeed } from '../../../src/status-page/runtime/atom-feed';
import { DEFAULT_TEMPLATE } from '../../../src/status-page/runtime/default-template';
import { PageSnapshot } from '../../../src/status-page/runtime/model';
import { createRenderer } from '../../../src/status-page/runtime/page-renderer';
import { CachedSecret } from '../../../src/status-page/runtime/secret-source';
import { SILENT_LOG } from '../../helpers/recording-log';

const HOUR = 3_600_000;
const at = (ms: number) => new Date(NOW.getTime() - ms).toISOString();

function withEvents(): PageSnapshot {
  return snapshot({
    checks: [check({ name: 'api', displayName: 'Public API' }), check({ name: 'db', displayName: 'Database <primary>' })],
    incidents: [{
      id: 'inc-1',
      title: 'Errors & timeouts',
      impact: 'major',
      checks: ['api'],
      startedAt: at(3 * HOUR),
      resolvedAt: at(HOUR),
      updates: [
        { at: at(3 * HOUR), state: 'investigating', message: 'Looking into <b>errors</b>.' },
        { at: at(HOUR), state: 'resolved', message: 'Fixed.' },
      ],
    }],
    changes: [
      { at: at(2 * HOUR), check: 'db', displayName: 'Database <primary>', from: 'up', to: 'down', message: 'connect ETIMEDOUT\u0000' },
      { at: at(30 * 60_000), check: 'db', displayName: 'Database <primary>', from: 'down', to: 'up' },
    ],
  });
}

/** Entries as [title, updated, id] in document order. */
function entries(xml: string): Array<[string, string, string]> {
  return [...xml.matchAll(/<entry><id>([^<]+)<\/id><title>([^<]*)<\/title><updated>([^<]+)<\/updated>/g)].map((m) => [m[2], m[3], m[1]]);
}

test('incidents and status changes, newest first, escaped, with stable ids', () => {
  const xml = renderAtomFeed(withEvents());
  expect(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="' + ATOM_NAMESPACE + '">')).toBe(true);
  const list = entries(xml);
  expect(list.map(([title, updated]) => [title, updated])).toEqual([
    ['Database &lt;primary&gt;: Down → Operational', at(30 * 60_000)],
    ['Errors &amp; timeouts (Resolved)', at(HOUR)],
    ['Database &lt;primary&gt;: Operational → Down', at(2 * HOUR)],
  ]);
  for (const [, , id] of list) expect(id).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(new Set(list.map(([, , id]) => id)).size).toBe(3);
  // The same snapshot gives the same ids: a reader shows each item once.
  expect(entries(renderAtomFeed(withEvents())).map(([, , id]) => id)).toEqual(list.map(([, , id]) => id));
  expect(xml).toContain('Looking into &lt;b&gt;errors&lt;/b&gt;.');
  expect(xml).toContain('Affects Public API.');
  expect(xml).not.toContain('\u0000');
  expect(xml).not.toContain('<b>');
  expect(xml).toContain(`<updated>${at(30 * 60_000)}</updated>`);
});

test('a quiet page is a valid empty feed updated at the last run', () => {
  const xml = renderAtomFeed(snapshot());
  expect(entries(xml)).toEqual([]);
  expect(xml).toContain(`<updated>${at(60_000)}</updated>`);
  expect(xml.trim().endsWith('</feed>')).toBe(true);
});

test('served at /feed.atom as application/atom+xml behind the same header as the page', async () => {
  const HEADER = 'x-status-page-auth';
  const render = createRenderer({
    config: config(),
    template: DEFAULT_TEMPLATE,
    readSnapshot: async () => withEvents(),
    // Secrets Manager has no local implementation: an in-process secret source stands in for it.
    auth: { headerName: HEADER, secret: new CachedSecret(async () => 'feed-secret') },
    now: () => NOW,
    log: SILENT_LOG,
  });
  const ok = await render(event('/prod/feed.atom', { [HEADER]: 'feed-secret' }));
  expect(ok.statusCode).toBe(200);
  expect(ok.headers['Content-Type']).toBe('application/atom+xml; charset=utf-8');
  expect(entries(ok.body)).toHaveLength(3);
  for (const headers of [{}, { [HEADER]: 'wrong' }] as Array<Record<string, string>>) {
    const refused = await render(event('/feed.atom', headers));
    expect(refused.statusCode).toBe(403);
    expect(refused.body).not.toContain('Database');
  }
});

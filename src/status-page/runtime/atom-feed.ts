/**
 * `GET /feed.atom`: an Atom 1.0 feed (RFC 4287) of the incidents and status changes the page
 * shows (the last 14 days), newest first. Served behind the same proxy-header check as the page.
 *
 * Ids are name-based UUIDs (SHA-1 of the page title and the item), so they stay the same from
 * one request to the next and a reader shows each item once. Links are relative to the feed's
 * own address (`./` is the page), as the page's address depends on the proxy in front of it.
 * Every text is XML-escaped and stripped of characters XML forbids.
 */
import { createHash } from 'node:crypto';
import { escapeXml } from './badge';
import { PageSnapshot } from './model';
import { checkStatusText } from './status-text';
import { formatUtc, parseTime } from './time-text';
import { impactText, stateText } from './timeline-view';

export const ATOM_NAMESPACE = 'http://www.w3.org/2005/Atom';

interface Entry {
  readonly id: string;
  readonly title: string;
  readonly updated: string;
  readonly published: string;
  readonly content: string;
}

export function renderAtomFeed(snapshot: PageSnapshot): string {
  const names = new Map(snapshot.checks.map((c) => [c.name, c.displayName || c.name]));
  const entries: Entry[] = [];
  for (const incident of snapshot.incidents ?? []) {
    const updates = [...incident.updates].sort((a, b) => b.at.localeCompare(a.at));
    const latest = updates[0];
    const affects = incident.checks.length > 0 ? `Affects ${incident.checks.map((c) => names.get(c) ?? c).join(', ')}.\n` : '';
    entries.push({
      id: uuidUrn(snapshot.title, 'incident', incident.id),
      title: `${incident.title} (${stateText(latest?.state ?? 'investigating')})`,
      updated: isoOr(latest?.at, incident.startedAt),
      published: isoOr(incident.startedAt, latest?.at ?? snapshot.generatedAt),
      content: `${impactText(incident.impact)} impact. ${affects}${updates.map((u) => `${timeText(u.at)} ${stateText(u.state)}: ${u.message}`).join('\n')}`,
    });
  }
  for (const change of snapshot.changes ?? []) {
    const name = change.displayName || change.check;
    entries.push({
      id: uuidUrn(snapshot.title, 'change', change.check, change.at, change.to),
      title: `${name}: ${checkStatusText(change.from)} → ${checkStatusText(change.to)}`,
      updated: isoOr(change.at, snapshot.generatedAt),
      published: isoOr(change.at, snapshot.generatedAt),
      content: `${name} changed from ${checkStatusText(change.from)} to ${checkStatusText(change.to)} at ${timeText(change.at)}.${change.message ? `\n${change.message}` : ''}`,
    });
  }
  entries.sort((a, b) => b.updated.localeCompare(a.updated));
  const updated = entries[0]?.updated ?? isoOr(snapshot.updatedAt, snapshot.generatedAt);
  const text = (tag: string, value: string) => `<${tag}>${escapeXml(value)}</${tag}>`;
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<feed xmlns="${ATOM_NAMESPACE}">`,
    `<id>${uuidUrn(snapshot.title, 'feed')}</id>`,
    text('title', `${snapshot.title}: incidents and status changes`),
    ...(snapshot.description ? [text('subtitle', snapshot.description)] : []),
    `<updated>${updated}</updated>`,
    `<author>${text('name', snapshot.title)}</author>`,
    '<link rel="self" type="application/atom+xml" href="feed.atom"/>',
    '<link rel="alternate" type="text/html" href="./"/>',
    ...entries.map((e) => [
      '<entry>',
      `<id>${e.id}</id>`,
      text('title', e.title),
      `<updated>${e.updated}</updated>`,
      `<published>${e.published}</published>`,
      '<link rel="alternate" type="text/html" href="./"/>',
      `<content type="text">${escapeXml(e.content)}</content>`,
      '</entry>',
    ].join('')),
    '</feed>',
    '',
  ].join('\n');
}

/** A name-based (version 5 style, SHA-1) UUID URN of the parts. */
function uuidUrn(...parts: string[]): string {
  const hex = createHash('sha1').update(parts.join('\u0000')).digest('hex').slice(0, 32).split('');
  hex[12] = '5';
  hex[16] = (8 + (parseInt(hex[16], 16) % 4)).toString(16); // the RFC 4122 variant: 10xx
  const h = hex.join('');
  return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The time as RFC 3339 (what Atom requires), or the fallback when it does not parse. */
function isoOr(value: string | undefined, fallback: string): string {
  const d = parseTime(value) ?? parseTime(fallback) ?? new Date(0);
  return d.toISOString();
}

function timeText(iso: string): string {
  const d = parseTime(iso);
  return d ? formatUtc(d) : iso;
}

/**
 * A shields.io-style "flat" SVG badge for one check: a grey label (the check's display name)
 * and a colored status word. All text is XML-escaped: display names come from configuration
 * and must never become markup.
 */
import { CheckStatus } from './model';
import { badgeStatusText } from './status-text';

/** The fill of the status half, by status (shields' brightgreen / yellow / red / lightgrey). */
export const BADGE_COLORS: Record<CheckStatus, string> = {
  up: '#44cc11',
  degraded: '#dfb317',
  down: '#e05d44',
  unknown: '#9f9f9f',
};

const LABEL_COLOR = '#555';
const MAX_LABEL_CHARS = 48;
const PADDING = 6;

export interface BadgeInput {
  readonly label: string;
  readonly status: CheckStatus;
}

/** Renders the badge as a complete SVG document. */
export function renderBadge(input: BadgeInput): string {
  const label = truncate(stripInvalidXmlChars(input.label).trim() || 'status', MAX_LABEL_CHARS);
  const message = badgeStatusText(input.status);
  const color = BADGE_COLORS[input.status] ?? BADGE_COLORS.unknown;
  // Dark text on yellow keeps the contrast readable; white elsewhere, like shields.
  const textFill = input.status === 'degraded' ? '#1b1b1b' : '#fff';
  const shadow = input.status !== 'degraded';

  const labelText = Math.ceil(textWidth(label));
  const messageText = Math.ceil(textWidth(message));
  const labelWidth = labelText + 2 * PADDING;
  const messageWidth = messageText + 2 * PADDING;
  const width = labelWidth + messageWidth;
  const a11y = escapeXml(`${label}: ${message}`);
  const l = escapeXml(label);
  const m = escapeXml(message);
  const labelX = labelWidth / 2;
  const messageX = labelWidth + messageWidth / 2;

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="20" role="img" aria-label="${a11y}">`,
    `<title>${a11y}</title>`,
    '<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>',
    `<clipPath id="r"><rect width="${width}" height="20" rx="3" fill="#fff"/></clipPath>`,
    '<g clip-path="url(#r)">',
    `<rect width="${labelWidth}" height="20" fill="${LABEL_COLOR}"/>`,
    `<rect x="${labelWidth}" width="${messageWidth}" height="20" fill="${color}"/>`,
    `<rect width="${width}" height="20" fill="url(#s)"/>`,
    '</g>',
    '<g text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" text-rendering="geometricPrecision" font-size="11">',
    `<text x="${labelX}" y="15" fill="#010101" fill-opacity=".3" textLength="${labelText}" lengthAdjust="spacingAndGlyphs" aria-hidden="true">${l}</text>`,
    `<text x="${labelX}" y="14" fill="#fff" textLength="${labelText}" lengthAdjust="spacingAndGlyphs">${l}</text>`,
    shadow
      ? `<text x="${messageX}" y="15" fill="#010101" fill-opacity=".3" textLength="${messageText}" lengthAdjust="spacingAndGlyphs" aria-hidden="true">${m}</text>`
      : '',
    `<text x="${messageX}" y="14" fill="${textFill}" textLength="${messageText}" lengthAdjust="spacingAndGlyphs">${m}</text>`,
    '</g>',
    '</svg>',
  ].join('');
}

/** Escapes text for XML character data and attribute values. */
export function escapeXml(text: string): string {
  return stripInvalidXmlChars(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Removes characters XML 1.0 forbids (control characters, lone surrogates, U+FFFE/U+FFFF). */
function stripInvalidXmlChars(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDFFF]/gu, '');
}

function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** Approximate width in pixels of text in 11px Verdana (textLength makes the glyphs fit exactly). */
function textWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    if (/[ijl.,:;!|'`]/.test(ch)) width += 3.4;
    else if (/[frt()[\]{}/\\\- ]/.test(ch)) width += 4.6;
    else if (/[mwMW@%]/.test(ch)) width += 10.2;
    else if (/[A-Z]/.test(ch)) width += 7.6;
    else if (/[0-9a-z_#$&*+<=>?^~"]/.test(ch)) width += 6.8;
    else if (ch.codePointAt(0)! > 0x2e80) width += 11; // CJK and other wide scripts
    else width += 7.5;
  }
  return Math.max(width, 6);
}

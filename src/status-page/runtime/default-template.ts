/**
 * The status page template used when a team does not bring its own.
 *
 * Self-contained: inline CSS only, no JavaScript, no external resources (the page is served
 * with `default-src 'none'; style-src 'unsafe-inline'; img-src data:`). Dark mode follows
 * `prefers-color-scheme`; the layout is a single column that fits a phone. Status is always
 * written as text next to its color.
 *
 * Every value is printed with `{{var}}` (HTML-escaped). The variables are documented in
 * template-view.ts.
 */
export const DEFAULT_TEMPLATE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="robots" content="noindex">
<title>{{title}} · {{overallText}}</title>
<style>
:root {
  --bg: #f4f6f8; --card: #ffffff; --text: #17202a; --muted: #5a6573; --border: #e1e5ea;
  --up: #17794a; --up-bg: #e4f5ec; --up-bar: #2ea56a;
  --degraded: #8a5a00; --degraded-bg: #fff3d6; --degraded-bar: #e5a50a;
  --down: #b42318; --down-bg: #fde8e6; --down-bar: #e0483d;
  --unknown: #56606c; --unknown-bg: #eceff2; --unknown-bar: #d3d8de;
  --stale: #7a4d00; --stale-bg: #fff6e0; --stale-border: #f0c36b;
  --focus: #2563eb;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0e1217; --card: #161c23; --text: #e7ebef; --muted: #9aa5b1; --border: #27303a;
    --up: #5dd39a; --up-bg: #10301f; --up-bar: #34b377;
    --degraded: #f5c451; --degraded-bg: #342812; --degraded-bar: #d69a12;
    --down: #ff8a80; --down-bg: #3a1715; --down-bar: #e0544a;
    --unknown: #a3adb8; --unknown-bg: #232b34; --unknown-bar: #36404b;
    --stale: #f5c451; --stale-bg: #2b2312; --stale-border: #6b5221;
    --focus: #7aa7ff;
  }
}
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--text);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
.wrap { max-width: 52rem; margin: 0 auto; padding: 2.5rem 1rem 3rem; }
header.page { margin-bottom: 1.5rem; }
h1 { font-size: 1.75rem; line-height: 1.25; margin: 0 0 .25rem; letter-spacing: -.01em; overflow-wrap: anywhere; }
.description { margin: 0; color: var(--muted); overflow-wrap: anywhere; }
.banner {
  display: flex; align-items: center; gap: .85rem; padding: 1rem 1.25rem; border-radius: .75rem;
  font-size: 1.2rem; font-weight: 650; margin: 0 0 1rem; border: 1px solid transparent;
}
.banner .icon {
  flex: none; display: inline-grid; place-items: center; width: 2rem; height: 2rem; border-radius: 50%;
  color: #fff; font-size: 1.05rem; line-height: 1;
}
.banner-up { background: var(--up-bg); color: var(--up); border-color: var(--up-bar); }
.banner-up .icon { background: var(--up-bar); }
.banner-degraded { background: var(--degraded-bg); color: var(--degraded); border-color: var(--degraded-bar); }
.banner-degraded .icon { background: var(--degraded-bar); }
.banner-down { background: var(--down-bg); color: var(--down); border-color: var(--down-bar); }
.banner-down .icon { background: var(--down-bar); }
.banner-unknown { background: var(--unknown-bg); color: var(--unknown); border-color: var(--unknown-bar); }
.banner-unknown .icon { background: var(--unknown); }
.banner .counts { margin-left: auto; font-size: .875rem; font-weight: 500; opacity: .9; text-align: right; }
.stale {
  display: flex; gap: .6rem; align-items: flex-start; padding: .8rem 1rem; margin: 0 0 1rem;
  border-radius: .6rem; background: var(--stale-bg); color: var(--stale); border: 1px solid var(--stale-border);
}
.stale strong { display: block; }
.stale p { margin: 0; }
.group { margin: 1.75rem 0 0; }
.group-head { display: flex; align-items: baseline; justify-content: space-between; gap: 1rem; margin: 0 0 .6rem; }
.group h2 { font-size: 1.05rem; margin: 0; overflow-wrap: anywhere; }
.group-status { font-size: .85rem; color: var(--muted); white-space: nowrap; }
.checks { list-style: none; margin: 0; padding: 0; background: var(--card); border: 1px solid var(--border); border-radius: .75rem; }
.check { padding: 1rem 1.25rem 1.1rem; }
.check + .check { border-top: 1px solid var(--border); }
.check-head { display: flex; align-items: center; justify-content: space-between; gap: .75rem; flex-wrap: wrap; }
.check h3 { font-size: 1rem; margin: 0; font-weight: 600; overflow-wrap: anywhere; min-width: 0; }
.pill {
  display: inline-flex; align-items: center; gap: .4rem; padding: .15rem .65rem; border-radius: 999px;
  font-size: .8rem; font-weight: 600; white-space: nowrap;
}
.pill::before { content: ""; width: .5rem; height: .5rem; border-radius: 50%; background: currentColor; }
.pill-up { background: var(--up-bg); color: var(--up); }
.pill-degraded { background: var(--degraded-bg); color: var(--degraded); }
.pill-down { background: var(--down-bg); color: var(--down); }
.pill-unknown { background: var(--unknown-bg); color: var(--unknown); }
.meta { display: flex; flex-wrap: wrap; gap: 0 .45rem; margin: .3rem 0 0; font-size: .85rem; color: var(--muted); }
.meta span { white-space: nowrap; }
.meta span + span::before { content: "·"; margin-right: .45rem; }
.message {
  margin: .6rem 0 0; padding: .45rem .7rem; border-radius: .4rem; font-size: .85rem;
  background: var(--unknown-bg); overflow-wrap: anywhere; white-space: pre-wrap;
}
.check-down .message { background: var(--down-bg); }
.check-degraded .message { background: var(--degraded-bg); }
.bars { display: flex; gap: 2px; height: 2.1rem; margin: .85rem 0 .25rem; padding: 0; list-style: none; }
.bar { flex: 1 1 0; min-width: 0; border-radius: 2px; background: var(--unknown-bar); }
.bar-unknown { background: var(--unknown-bar); }
.bar-up { background: var(--up-bar); }
.bar-degraded { background: var(--degraded-bar); }
.bar-down { background: var(--down-bar); }
.bars-axis { display: flex; justify-content: space-between; font-size: .75rem; color: var(--muted); }
.uptime { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: .5rem; margin: .75rem 0 0; }
.uptime div { background: var(--bg); border-radius: .45rem; padding: .3rem .6rem; min-width: 0; }
.uptime dt { font-size: .72rem; color: var(--muted); letter-spacing: .02em; }
.uptime dd { margin: 0; font-weight: 600; font-variant-numeric: tabular-nums; }
.empty { background: var(--card); border: 1px solid var(--border); border-radius: .75rem; padding: 1.25rem; color: var(--muted); }
footer.page { margin-top: 2rem; font-size: .85rem; color: var(--muted); }
footer.page p { margin: .2rem 0; }
.legend { display: flex; flex-wrap: wrap; gap: .4rem 1rem; margin-top: .6rem; }
.legend span { display: inline-flex; align-items: center; gap: .35rem; }
.legend i { display: inline-block; width: .7rem; height: .7rem; border-radius: 2px; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media (max-width: 36rem) {
  .wrap { padding: 1.25rem .75rem 2rem; }
  h1 { font-size: 1.4rem; }
  .banner { font-size: 1.05rem; flex-wrap: wrap; padding: .85rem 1rem; }
  .banner .counts { margin-left: 2.85rem; text-align: left; }
  .check { padding: .9rem .9rem 1rem; }
  .bars { gap: 1px; height: 1.8rem; }
  .uptime { gap: .3rem; }
  .uptime div { padding: .25rem .4rem; }
  .uptime dd { font-size: .85rem; }
}
@media (prefers-reduced-motion: no-preference) { .bar { transition: opacity .15s; } .bar:hover { opacity: .7; } }
@media print { body { background: #fff; } .checks, .empty { border-color: #999; } }
</style>
</head>
<body>
<div class="wrap">
<header class="page">
  <h1>{{title}}</h1>
  {{#hasDescription}}<p class="description">{{description}}</p>{{/hasDescription}}
</header>
<main>
  <section class="banner banner-{{overall}}" aria-label="Overall status">
    <span class="icon" aria-hidden="true">{{#overallIsUp}}✓{{/overallIsUp}}{{#overallIsDegraded}}!{{/overallIsDegraded}}{{#overallIsDown}}✕{{/overallIsDown}}{{#overallIsUnknown}}?{{/overallIsUnknown}}</span>
    <span class="overall-text">{{overallText}}</span>
    {{#hasChecks}}<span class="counts">{{upCount}} of {{checkCount}} operational</span>{{/hasChecks}}
  </section>
  {{#stale}}
  <div class="stale" role="status">
    <span aria-hidden="true">⚠</span>
    <p><strong>{{staleText}}</strong>The checks have not reported recently, so the statuses below may be out of date.</p>
  </div>
  {{/stale}}
  {{^hasChecks}}<p class="empty">No checks are configured.</p>{{/hasChecks}}
  {{#groups}}
  <section class="group"{{#hasName}} aria-label="{{name}}"{{/hasName}}{{^hasName}} aria-label="Services"{{/hasName}}>
    {{#hasName}}<div class="group-head"><h2>{{name}}</h2><span class="group-status">{{statusText}}</span></div>{{/hasName}}
    <ul class="checks">
      {{#checks}}
      <li class="check check-{{status}}">
        <div class="check-head">
          <h3>{{displayName}}</h3>
          <span class="pill pill-{{status}}">{{statusText}}</span>
        </div>
        <p class="meta"><span>Latency {{latencyText}}</span><span>Checked {{lastCheckedText}}</span>{{#hasSince}}<span>{{statusText}} {{sinceText}}</span>{{/hasSince}}{{#hasCert}}<span>Certificate expires {{certExpiresText}}</span>{{/hasCert}}</p>
        {{#hasMessage}}<p class="message">{{message}}</p>{{/hasMessage}}
        <ol class="bars" role="img" aria-label="{{historySummary}}">{{#days}}<li class="bar bar-{{worst}}" title="{{title}}"></li>{{/days}}</ol>
        <div class="bars-axis" aria-hidden="true"><span>90 days ago</span><span>Today</span></div>
        <dl class="uptime">
          {{#uptimeList}}<div><dt title="Uptime over the last {{label}}">{{shortLabel}} uptime</dt><dd>{{value}}</dd></div>{{/uptimeList}}
        </dl>
      </li>
      {{/checks}}
    </ul>
  </section>
  {{/groups}}
</main>
<footer class="page">
  {{#hasUpdatedAt}}<p>Last updated <time datetime="{{updatedAt}}">{{updatedAtText}}</time> ({{updatedAgo}}).</p>{{/hasUpdatedAt}}
  {{^hasUpdatedAt}}<p>No checks have run yet.</p>{{/hasUpdatedAt}}
  {{#hasInterval}}<p>Services are checked {{intervalText}}. Uptime counts degraded as up.</p>{{/hasInterval}}
  <div class="legend" aria-hidden="true">
    <span><i class="bar-up"></i>Operational</span><span><i class="bar-degraded"></i>Degraded</span>
    <span><i class="bar-down"></i>Down</span><span><i class="bar-unknown"></i>No data</span>
  </div>
</footer>
</div>
</body>
</html>
`;

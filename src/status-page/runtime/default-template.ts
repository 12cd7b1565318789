/**
 * The status page template used when a team does not bring its own.
 *
 * Self-contained: inline CSS only, no JavaScript, no external resources (the page is served
 * with `default-src 'none'; style-src 'unsafe-inline'; img-src data:`). Dark mode follows
 * `prefers-color-scheme`. Status is always written as text next to its color.
 *
 * Dense and light enough for 1,000 checks: one row per check (at least 12 rows on a 1280 x 900
 * screen); the 90-day strip and the 24-hour response times are one small inline SVG each (path
 * data computed in template-view.ts), not an element per day; the days behind the strip are a
 * <details> opened by clicking, tapping or pressing Enter on the strip. On a compact page
 * (more than 30 checks) groups whose checks are all operational start collapsed. Every color
 * that carries meaning has at least 3:1 contrast against its background, text at least 4.5:1.
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
<link rel="alternate" type="application/atom+xml" title="Incidents and status changes" href="feed.atom">
<style>
:root {
  --bg: #f4f6f8; --card: #ffffff; --text: #17202a; --muted: #5a6573; --border: #dde2e8; --link: #1d4ed8;
  --up: #17794a; --up-bg: #e4f5ec; --up-bar: #1f8a55;
  --degraded: #8a5a00; --degraded-bg: #fff3d6; --degraded-bar: #b7791f;
  --down: #b42318; --down-bg: #fde8e6; --down-bar: #d1352b;
  --unknown: #56606c; --unknown-bg: #eceff2; --unknown-bar: #7d8794;
  --maint: #1e4e9c; --maint-bg: #e6eefb;
  --stale: #7a4d00; --stale-bg: #fff6e0; --stale-border: #f0c36b;
  --p50: #2563eb; --p95: #7d8794; --focus: #2563eb;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0e1217; --card: #161c23; --text: #e7ebef; --muted: #9aa5b1; --border: #27303a; --link: #8ab4ff;
    --up: #5dd39a; --up-bg: #10301f; --up-bar: #34b377;
    --degraded: #f5c451; --degraded-bg: #342812; --degraded-bar: #d69a12;
    --down: #ff8a80; --down-bg: #3a1715; --down-bar: #e0544a;
    --unknown: #a3adb8; --unknown-bg: #232b34; --unknown-bar: #6b7785;
    --maint: #9cc0ff; --maint-bg: #17253d;
    --stale: #f5c451; --stale-bg: #2b2312; --stale-border: #6b5221;
    --p50: #7aa7ff; --p95: #8a94a0; --focus: #7aa7ff;
  }
}
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--text);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
a { color: var(--link); }
:focus-visible { outline: 2px solid var(--focus); outline-offset: 2px; }
.wrap { max-width: 72rem; margin: 0 auto; padding: 1.25rem 1rem 2.5rem; }
header.page { margin-bottom: 1rem; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 0 0 .2rem; letter-spacing: -.01em; overflow-wrap: anywhere; }
h2 { font-size: 1.05rem; margin: 0; overflow-wrap: anywhere; }
.description { margin: 0; color: var(--muted); overflow-wrap: anywhere; }
.banner {
  display: flex; align-items: center; gap: .85rem; padding: .75rem 1.1rem; border-radius: .7rem;
  font-size: 1.15rem; font-weight: 650; margin: 0 0 1rem; border: 1px solid transparent;
}
.banner .icon {
  flex: none; display: inline-grid; place-items: center; width: 1.8rem; height: 1.8rem; border-radius: 50%;
  color: #fff; font-size: 1rem; line-height: 1;
}
.banner-up { background: var(--up-bg); color: var(--up); border-color: var(--up-bar); }
.banner-up .icon { background: var(--up-bar); }
.banner-degraded { background: var(--degraded-bg); color: var(--degraded); border-color: var(--degraded-bar); }
.banner-degraded .icon { background: var(--degraded-bar); }
.banner-down { background: var(--down-bg); color: var(--down); border-color: var(--down-bar); }
.banner-down .icon { background: var(--down-bar); }
.banner-unknown { background: var(--unknown-bg); color: var(--unknown); border-color: var(--unknown-bar); }
.banner-unknown .icon { background: var(--unknown); }
.banner .counts { margin-left: auto; font-size: .875rem; font-weight: 500; text-align: right; }
.stale, .notice {
  padding: .7rem 1rem; margin: 0 0 1rem; border-radius: .6rem; border: 1px solid var(--stale-border);
  background: var(--stale-bg); color: var(--stale);
}
.stale p, .notice p { margin: 0; }
.notice-maint { background: var(--maint-bg); color: var(--maint); border-color: var(--maint); }
.notice-incident { background: var(--card); color: var(--text); border-color: var(--down-bar); }
.notice ul { margin: .3rem 0 0; padding-left: 1.1rem; }
.incident h3 { font-size: 1rem; margin: .5rem 0 .1rem; overflow-wrap: anywhere; }
.incident p, .updates { font-size: .875rem; }
.updates { margin: .25rem 0 0; padding-left: 1.1rem; }
.updates li { overflow-wrap: anywhere; white-space: pre-wrap; }
.group { margin: 1.1rem 0 0; }
.group-head { display: flex; align-items: baseline; justify-content: space-between; gap: 1rem; margin: 0 0 .4rem; }
.group-status { font-size: .85rem; color: var(--muted); white-space: nowrap; }
.group > details > summary { cursor: pointer; padding: .4rem .9rem; background: var(--card); border: 1px solid var(--border); border-radius: .6rem; font-size: .9rem; }
.checks { list-style: none; margin: 0; padding: 0; background: var(--card); border: 1px solid var(--border); border-radius: .6rem; }
.check {
  display: grid; grid-template-columns: minmax(0, 1fr) auto; grid-template-areas: "id pill" "hist hist" "up lat";
  gap: .25rem .75rem; align-items: center; padding: .55rem .9rem;
}
.check + .check { border-top: 1px solid var(--border); }
.id { grid-area: id; min-width: 0; }
.check h3 { font-size: .95rem; line-height: 1.25; margin: 0; font-weight: 600; overflow-wrap: anywhere; }
.meta { margin: 0; font-size: .78rem; line-height: 1.25; color: var(--muted); overflow-wrap: anywhere; }
.pill {
  grid-area: pill; justify-self: end; display: inline-flex; align-items: center; gap: .35rem; padding: .1rem .6rem;
  border-radius: 999px; font-size: .78rem; font-weight: 600; white-space: nowrap;
}
.pill::before { content: ""; width: .5rem; height: .5rem; border-radius: 50%; background: currentColor; }
.pill-up { background: var(--up-bg); color: var(--up); }
.pill-degraded { background: var(--degraded-bg); color: var(--degraded); }
.pill-down { background: var(--down-bg); color: var(--down); }
.pill-unknown { background: var(--unknown-bg); color: var(--unknown); }
.pill-maintenance { background: var(--maint-bg); color: var(--maint); }
.hist { grid-area: hist; min-width: 0; }
.hist > summary { list-style: none; cursor: pointer; border-radius: 3px; }
.hist > summary::-webkit-details-marker { display: none; }
.bars { display: block; width: 100%; height: 1.6rem; }
.bars path { stroke-width: 10; stroke-dasharray: .75 .25; fill: none; }
.b-up { stroke: var(--up-bar); }
.b-degraded { stroke: var(--degraded-bar); }
.b-down { stroke: var(--down-bar); }
.b-unknown { stroke: var(--unknown-bar); }
.days { margin: .4rem 0 .2rem; font-size: .82rem; }
.days p, .days ul { margin: .2rem 0; }
.days ul { padding-left: 1.1rem; }
.windows { display: flex; flex-wrap: wrap; gap: .2rem .9rem; margin: 0; }
.windows::before { content: "Uptime"; color: var(--muted); }
.windows div { display: flex; gap: .3rem; }
.windows dt { font-weight: 600; }
.windows dd { margin: 0; font-variant-numeric: tabular-nums; }
.uptime { grid-area: up; margin: 0; font-size: .85rem; font-weight: 600; font-variant-numeric: tabular-nums; }
.lat { grid-area: lat; justify-self: end; display: flex; align-items: center; gap: .4rem; margin: 0; font-size: .8rem; color: var(--muted); font-variant-numeric: tabular-nums; white-space: nowrap; }
.lat svg { width: 4.5rem; height: 1.3rem; }
.lat path { fill: none; stroke-width: 1.5; stroke-linejoin: round; stroke-linecap: round; vector-effect: non-scaling-stroke; }
.p50 { stroke: var(--p50); }
.p95 { stroke: var(--p95); stroke-dasharray: 2 1.5; }
.message {
  grid-column: 1 / -1; margin: 0; padding: .3rem .6rem; border-radius: .35rem; font-size: .8rem;
  background: var(--unknown-bg); overflow-wrap: anywhere; white-space: pre-wrap;
}
.check-down .message { background: var(--down-bg); }
.check-degraded .message { background: var(--degraded-bg); }
.message.maint { background: var(--maint-bg); color: var(--maint); }
.empty { background: var(--card); border: 1px solid var(--border); border-radius: .6rem; padding: 1.25rem; color: var(--muted); }
.timeline { margin-top: 2rem; }
.timeline > h2 { margin-bottom: .5rem; }
.timeline h3 { font-size: .95rem; margin: 0; }
.tl-days { list-style: none; margin: 0; padding: 0; background: var(--card); border: 1px solid var(--border); border-radius: .6rem; }
.tl-days > li { padding: .5rem .9rem; }
.tl-days > li + li { border-top: 1px solid var(--border); }
.tl-days p, .tl-days details { margin: .15rem 0 0; font-size: .85rem; }
.tl-days ul { margin: .2rem 0 0; padding-left: 1.1rem; }
.tl-days li li { overflow-wrap: anywhere; }
.tl-days summary { cursor: pointer; }
.quiet { color: var(--muted); }
.upcoming { margin: 0 0 1rem; padding: .6rem .9rem; background: var(--card); border: 1px solid var(--border); border-radius: .6rem; }
.upcoming h3 { margin: 0; }
.upcoming ul { margin: .2rem 0 0; padding-left: 1.1rem; font-size: .875rem; }
footer.page { margin-top: 1.5rem; font-size: .85rem; color: var(--muted); }
footer.page p { margin: .2rem 0; }
.legend { display: flex; flex-wrap: wrap; gap: .4rem 1rem; margin-top: .6rem; }
.legend span { display: inline-flex; align-items: center; gap: .35rem; }
.legend i { display: inline-block; width: .7rem; height: .7rem; border-radius: 2px; }
.legend .b-up { background: var(--up-bar); }
.legend .b-degraded { background: var(--degraded-bar); }
.legend .b-down { background: var(--down-bar); }
.legend .b-unknown { background: var(--unknown-bar); }
.legend .l-p50, .legend .l-p95 { height: 0; border-radius: 0; border-top: 2px solid var(--p50); }
.legend .l-p95 { border-top: 2px dashed var(--p95); }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media (min-width: 48rem) {
  .check {
    grid-template-columns: minmax(0, 16rem) 7.5rem minmax(0, 1fr) 4rem 8.5rem;
    grid-template-areas: "id pill hist up lat"; gap: .15rem .75rem; padding: .3rem .9rem;
  }
  .meta { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  .message { padding: .1rem .6rem; }
  .pill { justify-self: start; }
  .uptime { text-align: right; }
}
@media (max-width: 36rem) {
  .wrap { padding: 1rem .75rem 2rem; }
  h1 { font-size: 1.35rem; }
  .banner { font-size: 1.05rem; flex-wrap: wrap; padding: .7rem .9rem; }
  .banner .counts { margin-left: 2.65rem; text-align: left; }
}
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
  <div class="stale" role="status"><p><strong>⚠ {{staleText}}</strong> The checks have not reported recently, so the statuses below may be out of date.</p></div>
  {{/stale}}
  {{#hasMaintenanceNow}}
  <section class="notice notice-maint" aria-labelledby="maint-now"><h2 id="maint-now">Maintenance in progress</h2>
    <ul>{{#maintenanceNow}}<li><strong>{{message}}</strong> · {{whenText}} · {{checksText}}</li>{{/maintenanceNow}}</ul>
  </section>
  {{/hasMaintenanceNow}}
  {{#hasActiveIncidents}}
  <section class="notice notice-incident" aria-labelledby="incidents-now"><h2 id="incidents-now">Active incidents</h2>
    {{#activeIncidents}}<article class="incident incident-{{impact}}"><h3>{{title}}</h3>
      <p>{{stateText}} · {{impactText}} impact · since {{startedAtText}}{{#hasChecks}} · {{checksText}}{{/hasChecks}}</p>
      <ol class="updates">{{#updates}}<li><strong>{{stateText}}</strong> {{atText}}: {{message}}</li>{{/updates}}</ol>
    </article>{{/activeIncidents}}
  </section>
  {{/hasActiveIncidents}}
  {{^hasChecks}}<p class="empty">No checks are configured.</p>{{/hasChecks}}
  {{#groups}}
  <section class="group" aria-label="{{#hasName}}{{name}}{{/hasName}}{{^hasName}}Services{{/hasName}}">
    {{#hasName}}<div class="group-head"><h2>{{name}}</h2><span class="group-status">{{statusText}}</span></div>{{/hasName}}
    {{#collapsed}}<details><summary>{{summaryText}}</summary>{{/collapsed}}
    <ul class="checks">
      {{#checks}}
<li class="check check-{{status}}"><div class="id"><h3>{{displayName}}</h3><p class="meta">Checked {{lastCheckedText}}{{#hasSince}} · {{statusText}} {{sinceText}}{{/hasSince}}</p></div>{{#inMaintenance}}<span class="pill pill-maintenance">Maintenance</span>{{/inMaintenance}}{{^inMaintenance}}<span class="pill pill-{{status}}">{{statusText}}</span>{{/inMaintenance}}
<details class="hist"><summary><svg class="bars" viewBox="0 0 90 10" preserveAspectRatio="none" role="img" aria-label="{{historySummary}}">{{#barSegments}}<path class="b-{{status}}" d="{{d}}"/>{{/barSegments}}</svg></summary><div class="days"><dl class="windows">{{#uptimeList}}<div><dt>{{shortLabel}}</dt><dd>{{value}}</dd></div>{{/uptimeList}}</dl>{{#hasProblemDays}}<ul>{{#problemDays}}<li>{{date}}: {{worstText}}, {{uptimeText}} up</li>{{/problemDays}}</ul>{{/hasProblemDays}}{{#hasMoreProblemDays}}<p>{{moreProblemDaysText}}</p>{{/hasMoreProblemDays}}{{^hasProblemDays}}<p>No degraded or down days.</p>{{/hasProblemDays}}{{#hasNoData}}<p>{{noDataText}}</p>{{/hasNoData}}<p>{{latencySummary}}</p>{{#hasCert}}<p>Certificate expires {{certExpiresText}}.</p>{{/hasCert}}</div></details>
<p class="uptime"><span class="visually-hidden">90-day uptime </span>{{uptime.d90}}</p><p class="lat">{{#hasLatencyHistory}}<svg viewBox="0 0 48 16" preserveAspectRatio="none" role="img" aria-label="Response time, 24 hours, scale {{latencyScaleText}}"><path class="p95" d="{{p95Path}}"/><path class="p50" d="{{p50Path}}"/></svg>{{/hasLatencyHistory}}<span>{{latencyText}}</span></p>{{#hasMessage}}<p class="message">{{message}}</p>{{/hasMessage}}{{#inMaintenance}}<p class="message maint">Maintenance: {{maintenanceText}}</p>{{/inMaintenance}}</li>
      {{/checks}}
    </ul>
    {{#collapsed}}</details>{{/collapsed}}
  </section>
  {{/groups}}
  <section class="timeline" aria-labelledby="past">
    <h2 id="past">Past 14 days</h2>
    {{#hasUpcomingMaintenance}}<div class="upcoming"><h3>Scheduled maintenance</h3><ul>{{#upcomingMaintenance}}<li><strong>{{message}}</strong> · {{whenText}} · {{checksText}}</li>{{/upcomingMaintenance}}</ul></div>{{/hasUpcomingMaintenance}}
    <ol class="tl-days">
      {{#timeline}}<li><h3><time datetime="{{date}}">{{dateText}}</time></h3>
        {{^hasEvents}}<p class="quiet">No incidents or status changes.</p>{{/hasEvents}}
        {{#incidents}}<article class="incident"><h4>{{title}}</h4><p>{{impactText}} impact · {{stateText}}{{#resolved}} {{resolvedAtText}}{{/resolved}}{{#hasChecks}} · {{checksText}}{{/hasChecks}}</p>
          <ol class="updates">{{#updates}}<li><strong>{{stateText}}</strong> {{atText}}: {{message}}</li>{{/updates}}</ol></article>{{/incidents}}
        {{#hasChanges}}<details><summary>{{changesText}}</summary><ul>{{#changes}}<li>{{timeText}} {{displayName}}: {{fromText}} → {{toText}}{{#hasMessage}} ({{message}}){{/hasMessage}}</li>{{/changes}}</ul></details>{{/hasChanges}}
      </li>{{/timeline}}
    </ol>
  </section>
</main>
<footer class="page">
  {{#hasUpdatedAt}}<p>Last updated <time datetime="{{updatedAt}}">{{updatedAtText}}</time> ({{updatedAgo}}).</p>{{/hasUpdatedAt}}
  {{^hasUpdatedAt}}<p>No checks have run yet.</p>{{/hasUpdatedAt}}
  {{#hasInterval}}<p>Services are checked {{intervalText}}. Uptime counts degraded as up. Select a history strip for its days.</p>{{/hasInterval}}
  <p>Follow incidents and status changes with the <a href="feed.atom">Atom feed</a>, or read <a href="status.json">status.json</a>.</p>
  <div class="legend" aria-hidden="true">
    <span><i class="b-up"></i>Operational</span><span><i class="b-degraded"></i>Degraded</span>
    <span><i class="b-down"></i>Down</span><span><i class="b-unknown"></i>No data</span>
    <span><i class="l-p50"></i>Response time p50</span><span><i class="l-p95"></i>p95</span>
  </div>
</footer>
</div>
</body>
</html>
`;

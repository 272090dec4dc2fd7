/** dashboard.css: system fonts only (the page must work offline), light and dark. */
export const DASHBOARD_CSS = `
:root {
  color-scheme: light dark;
  --bg: #f4f5f7; --panel: #fff; --text: #1b1f24; --muted: #5b6470; --line: #d9dde3;
  --ok: #116329; --ok-bg: #dcf5e3; --bad: #a40e26; --bad-bg: #ffe1e4; --warn: #7a4d00; --warn-bg: #fff1cc;
  --accent: #0b5cad; --down-node: #c9ced6;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #111418; --panel: #1b2026; --text: #e6e9ed; --muted: #9aa4b0; --line: #323a44;
    --ok: #6fdd8b; --ok-bg: #123d21; --bad: #ff8f9c; --bad-bg: #4a1219; --warn: #f2c14e; --warn-bg: #3d2f0b;
    --accent: #6cb2ff; --down-node: #3b424c;
  }
}
* { box-sizing: border-box; }
html { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
body { margin: 0; background: var(--bg); color: var(--text); }
.top { display: flex; flex-wrap: wrap; align-items: baseline; justify-content: space-between; gap: .5rem 2rem;
  padding: .8rem 1.5rem; background: var(--panel); border-bottom: 1px solid var(--line); }
h1 { margin: 0; font-size: 1.35rem; }
h1 .sub { font-weight: 400; color: var(--muted); }
.meta { margin: 0; display: flex; flex-wrap: wrap; gap: .4rem 1.4rem; color: var(--muted); }
.meta strong { color: var(--text); font-variant-numeric: tabular-nums; }
.grid { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 1rem; padding: 1rem 1.5rem 2rem; max-width: 90rem; margin: 0 auto; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: .9rem 1.1rem; min-width: 0; overflow-x: auto; }
.panel.wide { grid-column: 1 / -1; }
h2 { margin: 0 0 .6rem; font-size: 1.05rem; }
h2 .count { font-weight: 400; color: var(--muted); margin-left: .4rem; }
.note { margin: 0 0 .6rem; color: var(--muted); font-size: .9rem; }
.note:empty { display: none; }
.unavailable .note { color: var(--warn); background: var(--warn-bg); padding: .35rem .6rem; border-radius: 4px; }
.unavailable table, .unavailable .stats, .unavailable .bar, .unavailable .herd { opacity: .45; }
/* Nothing shown yet: no empty frame to stare at. */
.unavailable table:has(tbody:empty), .unavailable .herd:has(tbody:empty) { display: none; }
table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid var(--line); white-space: nowrap; }
thead th { font-size: .8rem; font-weight: 600; color: var(--muted); text-transform: uppercase; letter-spacing: .03em; }
tbody th { font-weight: 600; }
.num { text-align: right; }
tbody tr:last-child > * { border-bottom: none; }
tr.is-down > * { background: var(--bad-bg); }
.badge { display: inline-block; padding: .05rem .55rem; border-radius: 999px; font-weight: 600; font-size: .88rem; }
.badge.ok { color: var(--ok); background: var(--ok-bg); }
.badge.bad { color: var(--bad); background: var(--bad-bg); border: 1px solid var(--bad); }
.badge.unknown { color: var(--warn); background: var(--warn-bg); }
.conn { font-weight: 600; }
.conn-ok { color: var(--ok); }
.conn-bad { color: var(--bad); }
.conn-wait { color: var(--warn); }
.stats { display: grid; grid-template-columns: repeat(auto-fill, minmax(8rem, 1fr)); gap: .6rem 1rem; margin: 0; }
.stats div { min-width: 0; }
.stats dt { font-size: .8rem; color: var(--muted); }
.stats dd { margin: 0; white-space: nowrap; font-size: 1.35rem; font-weight: 600; font-variant-numeric: tabular-nums; }
.bar { height: .6rem; background: var(--line); border-radius: 999px; overflow: hidden; margin-bottom: .8rem; }
.bar span { display: block; height: 100%; width: 0; background: var(--accent); transition: width .4s; }
.herd { display: grid; grid-template-columns: minmax(16rem, 26rem) 1fr; gap: 1rem; align-items: start; }
@media (max-width: 50rem) { .herd, .grid { grid-template-columns: 1fr; } }
.legend { margin: .3rem 0 0; color: var(--muted); font-size: .85rem; }
figure { margin: 0; }
#herd-graph { display: block; width: 100%; max-width: 28rem; height: auto; margin: 0 auto; }
#herd-graph .edge { stroke: var(--muted); stroke-width: 2; }
#herd-graph .edge.dead { stroke-dasharray: 5 5; opacity: .5; }
#herd-graph circle { stroke-width: 3; }
#herd-graph .up circle { fill: var(--ok-bg); stroke: var(--ok); }
#herd-graph .down circle { fill: var(--down-node); stroke: var(--bad); stroke-dasharray: 6 4; }
#herd-graph text { fill: var(--text); font: 600 13px system-ui, sans-serif; text-anchor: middle; }
#herd-graph text.small { font-weight: 400; font-size: 12px; }
#herd-graph .down text.small { fill: var(--bad); font-weight: 600; }
`;

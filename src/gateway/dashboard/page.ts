/** Where the page fetches from; all paths on the gateway itself. */
export interface PagePaths {
  adminPrefix: string;
  kvPrefix: string;
  herdPrefix: string;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * The dashboard's HTML shell. The panels start as "loading" and are filled
 * by dashboard.js; the prefixes travel as data attributes so the script
 * needs no inline code (the page's CSP forbids it).
 */
export function renderPage(paths: PagePaths): string {
  const attr = (s: string) => escapeHtml(s);
  const asset = (name: string) => attr(`${paths.adminPrefix}/${name}`);
  return `<!doctype html>
<html lang="en" data-admin-prefix="${attr(paths.adminPrefix)}" data-kv-prefix="${attr(paths.kvPrefix)}" data-herd-prefix="${attr(paths.herdPrefix)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>pibl dashboard</title>
<link rel="stylesheet" href="${asset('dashboard.css')}">
<script src="${asset('dashboard.js')}" defer></script>
</head>
<body>
<header class="top">
  <h1>pibl <span class="sub">gateway dashboard</span></h1>
  <p class="meta">
    <span id="conn" class="conn conn-wait" role="status" aria-live="polite">connecting…</span>
    <span>strategy <strong id="strategy">–</strong></span>
    <span>up <strong id="uptime">–</strong></span>
    <span>updated <strong id="updated">–</strong></span>
  </p>
</header>
<main class="grid">
  <section class="panel wide" id="backends-panel" aria-labelledby="backends-title">
    <h2 id="backends-title">Backends <span class="count" id="backends-summary"></span></h2>
    <p class="note" id="backends-note">loading…</p>
    <table id="backends">
      <thead><tr>
        <th scope="col">Backend</th><th scope="col">Address</th><th scope="col">Health</th>
        <th scope="col" class="num">Req/s</th><th scope="col" class="num">In flight</th>
        <th scope="col" class="num">Requests</th><th scope="col" class="num">Failures</th><th scope="col">Last probe</th>
      </tr></thead>
      <tbody></tbody>
    </table>
  </section>
  <section class="panel" id="traffic-panel" aria-labelledby="traffic-title">
    <h2 id="traffic-title">Traffic</h2>
    <dl class="stats">
      <div><dt>Requests/s</dt><dd id="total-rps">–</dd></div>
      <div><dt>In flight</dt><dd id="total-inflight">–</dd></div>
      <div><dt>Latency p50</dt><dd id="lat-p50">–</dd></div>
      <div><dt>Latency p99</dt><dd id="lat-p99">–</dd></div>
    </dl>
    <p class="note" id="latency-note">Latency over the last second of answered requests (all of them, cache hits included).</p>
  </section>
  <section class="panel" id="cache-panel" aria-labelledby="cache-title">
    <h2 id="cache-title">Response cache</h2>
    <p class="note" id="cache-note">loading…</p>
    <div class="bar" id="cache-bar" role="meter" aria-label="cache hit ratio" aria-valuemin="0" aria-valuemax="100" aria-valuenow="0"><span id="cache-bar-fill"></span></div>
    <dl class="stats" id="cache-stats">
      <div><dt>Hit ratio</dt><dd id="cache-ratio">–</dd></div>
      <div><dt>Hits</dt><dd id="cache-hits">–</dd></div>
      <div><dt>Misses</dt><dd id="cache-misses">–</dd></div>
      <div><dt>Entries</dt><dd id="cache-entries">–</dd></div>
      <div><dt>Size</dt><dd id="cache-bytes">–</dd></div>
      <div><dt>Stale served</dt><dd id="cache-stale">–</dd></div>
      <div><dt>Coalesced</dt><dd id="cache-coalesced">–</dd></div>
      <div><dt>Evictions</dt><dd id="cache-evictions">–</dd></div>
    </dl>
  </section>
  <section class="panel wide" id="kv-panel" aria-labelledby="kv-title">
    <h2 id="kv-title">kv cluster <span class="count" id="kv-summary"></span></h2>
    <p class="note" id="kv-note">loading…</p>
    <table id="kv">
      <thead><tr>
        <th scope="col">Node</th><th scope="col">Health</th><th scope="col" class="num">Requests</th>
        <th scope="col" class="num">Hit rate</th><th scope="col" class="num">Hits</th><th scope="col" class="num">Misses</th>
        <th scope="col" class="num">Origin fetches</th><th scope="col" class="num">In flight</th>
      </tr></thead>
      <tbody></tbody>
    </table>
  </section>
  <section class="panel wide" id="herd-panel" aria-labelledby="herd-title">
    <h2 id="herd-title">Herd <span class="count" id="herd-summary"></span></h2>
    <p class="note" id="herd-note">loading…</p>
    <div class="herd">
      <figure>
      <svg id="herd-graph" viewBox="0 0 420 340" role="img" aria-labelledby="herd-graph-title">
        <title id="herd-graph-title">Herd servers and their links</title>
      </svg>
      <figcaption class="legend">Lines join neighbours; a dashed line touches a server that is down.</figcaption>
      </figure>
      <table id="herd">
        <thead><tr>
          <th scope="col">Server</th><th scope="col">State</th><th scope="col" class="num">Clients</th><th scope="col" class="num">Messages in</th><th scope="col" class="num">Floods sent / failed</th><th scope="col">Neighbours</th>
        </tr></thead>
        <tbody></tbody>
      </table>
    </div>
  </section>
</main>
</body>
</html>
`;
}

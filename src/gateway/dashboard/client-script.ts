/**
 * dashboard.js, run by the browser as it is (no build step on the user's
 * side). Every string from the APIs reaches the DOM through textContent or
 * setAttribute, never as markup. Kept free of backticks and `${` so it can
 * live in this String.raw literal.
 */
export const DASHBOARD_JS = String.raw`(function () {
  'use strict';
  var root = document.documentElement;
  var paths = {
    admin: root.getAttribute('data-admin-prefix') || '/-',
    kv: root.getAttribute('data-kv-prefix') || '/kv',
    herd: root.getAttribute('data-herd-prefix') || '/herd'
  };
  var POLL_MS = 1000;
  var FETCH_TIMEOUT_MS = 2500;
  var SVG_NS = 'http://www.w3.org/2000/svg';
  var DASH = '\u2013';
  var prev = { at: 0, requests: null, latency: null };

  function byId(id) { return document.getElementById(id); }
  function setText(id, text) {
    var node = byId(id);
    if (node && node.textContent !== text) node.textContent = text;
  }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function svgEl(tag, attrs) {
    var node = document.createElementNS(SVG_NS, tag);
    for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) node.setAttribute(k, String(attrs[k]));
    return node;
  }
  function isNum(n) { return typeof n === 'number' && isFinite(n); }
  function fmtInt(n) { return isNum(n) ? Math.round(n).toLocaleString('en') : DASH; }
  function fmtRate(r) { return isNum(r) ? (r < 10 ? r.toFixed(1) : Math.round(r).toLocaleString('en')) : DASH; }
  function fmtPercent(x) { return isNum(x) ? (x * 100).toFixed(1) + ' %' : DASH; }
  function fmtBytes(b) {
    if (!isNum(b)) return DASH;
    var units = ['B', 'KiB', 'MiB', 'GiB'];
    var i = 0;
    while (b >= 1024 && i < units.length - 1) { b /= 1024; i++; }
    return (i === 0 ? String(b) : b.toFixed(1)) + ' ' + units[i];
  }
  function fmtSeconds(s) {
    if (!isNum(s)) return DASH;
    if (s < 0.001) return (s * 1e6).toFixed(0) + ' \u00b5s';
    if (s < 1) return (s * 1000).toFixed(s < 0.01 ? 2 : 1) + ' ms';
    return s.toFixed(2) + ' s';
  }
  function fmtDuration(s) {
    if (!isNum(s)) return DASH;
    s = Math.max(0, Math.floor(s));
    var d = Math.floor(s / 86400), h = Math.floor(s / 3600) % 24, m = Math.floor(s / 60) % 60, sec = s % 60;
    if (d) return d + ' d ' + h + ' h';
    if (h) return h + ' h ' + m + ' min';
    if (m) return m + ' min ' + sec + ' s';
    return sec + ' s';
  }
  function fmtAgo(iso) {
    var t = Date.parse(iso);
    if (!isFinite(t)) return DASH;
    var s = Math.max(0, (Date.now() - t) / 1000);
    return s < 10 ? s.toFixed(1) + ' s ago' : fmtDuration(s) + ' ago';
  }
  function reason(err) {
    if (err && err.name === 'AbortError') return 'no answer within ' + FETCH_TIMEOUT_MS / 1000 + ' s';
    if (err && err.name === 'TypeError') return 'no answer (network error)';
    if (err && err.name === 'SyntaxError') return 'the answer was not JSON';
    return err && err.message ? err.message : String(err);
  }
  function badge(ok, okText, badText) {
    return el('span', 'badge ' + (ok ? 'ok' : 'bad'), ok ? '\u25cf ' + okText : '\u2715 ' + badText);
  }
  function cell(row, text, className) {
    var td = el('td', className || '', text);
    row.appendChild(td);
    return td;
  }
  function setPanel(panelId, noteId, problem) {
    var panel = byId(panelId);
    if (panel) panel.classList.toggle('unavailable', !!problem);
    setText(noteId, problem ? 'Unavailable: ' + problem : '');
  }

  /**
   * Puts the freshly built rows in the table, keeping the rows already there
   * (matched by key) and swapping only the cells that changed, so a row a
   * person is reading or selecting does not vanish every second.
   */
  function syncRows(tbody, rows, keyAttr) {
    var old = {};
    Array.prototype.forEach.call(tbody.rows, function (tr) { old[tr.getAttribute(keyAttr)] = tr; });
    var kept = rows.map(function (tr) {
      var key = tr.getAttribute(keyAttr);
      var was = Object.prototype.hasOwnProperty.call(old, key) ? old[key] : null;
      if (!was || was.cells.length !== tr.cells.length) return tr;
      delete old[key];
      if (was.className !== tr.className) was.className = tr.className;
      var fresh = Array.prototype.slice.call(tr.cells);
      var stale = Array.prototype.slice.call(was.cells);
      for (var i = 0; i < fresh.length; i++) if (!stale[i].isEqualNode(fresh[i])) was.replaceChild(fresh[i], stale[i]);
      return was;
    });
    var same = kept.length === tbody.rows.length && kept.every(function (tr, i) { return tbody.rows[i] === tr; });
    if (!same) tbody.replaceChildren.apply(tbody, kept);
  }

  function getJSON(path) {
    var ctl = new AbortController();
    var timer = setTimeout(function () { ctl.abort(); }, FETCH_TIMEOUT_MS);
    return fetch(path, { cache: 'no-store', signal: ctl.signal, headers: { accept: 'application/json' } })
      .then(function (res) {
        if (!res.ok) throw new Error('HTTP ' + res.status + (res.status === 404 ? ' (route not served by this gateway)' : ''));
        return res.json();
      })
      .finally(function () { clearTimeout(timer); });
  }

  function renderStatus(result, now) {
    if (result.status !== 'fulfilled') {
      var why = reason(result.reason);
      var conn = byId('conn');
      conn.className = 'conn conn-bad';
      conn.textContent = 'gateway unreachable (' + why + ')';
      setPanel('backends-panel', 'backends-note', 'gateway status ' + why + '; showing the last figures');
      setPanel('cache-panel', 'cache-note', 'gateway status ' + why);
      prev.requests = null;
      return;
    }
    var st = result.value || {};
    var conn2 = byId('conn');
    conn2.className = 'conn conn-ok';
    conn2.textContent = '\u25cf live';
    setText('strategy', String(st.strategy || DASH));
    setText('uptime', fmtDuration(st.uptimeSeconds));
    setText('updated', new Date(now).toLocaleTimeString('en-GB'));
    renderBackends(Array.isArray(st.backends) ? st.backends : [], now);
    renderCache(st.cache);
  }

  function renderBackends(backends, now) {
    var dt = prev.requests ? (now - prev.at) / 1000 : 0;
    var counts = {};
    var healthy = 0, totalRps = 0, haveRps = false, inFlight = 0;
    var rows = backends.map(function (b) {
      var name = String(b.name);
      counts[name] = b.requests;
      var rps = null;
      if (dt > 0 && prev.requests && isNum(prev.requests[name]) && isNum(b.requests)) {
        rps = Math.max(0, b.requests - prev.requests[name]) / dt;
        totalRps += rps;
        haveRps = true;
      }
      if (b.healthy) healthy++;
      if (isNum(b.inFlight)) inFlight += b.inFlight;
      var tr = el('tr', b.healthy ? 'is-up' : 'is-down');
      tr.setAttribute('data-backend', name);
      var th = el('th', '', name);
      th.setAttribute('scope', 'row');
      tr.appendChild(th);
      cell(tr, b.address, 'addr');
      var health = cell(tr, '', 'health');
      health.appendChild(badge(!!b.healthy, 'healthy', 'down'));
      if (!b.healthy && isNum(b.consecutiveFailures)) health.appendChild(el('span', 'note', ' ' + b.consecutiveFailures + ' failed in a row'));
      cell(tr, fmtRate(rps), 'num rps');
      cell(tr, fmtInt(b.inFlight), 'num');
      cell(tr, fmtInt(b.requests), 'num');
      cell(tr, fmtInt(b.failures), 'num');
      var probe = b.lastProbe;
      cell(tr, probe ? (probe.ok ? 'ok' : 'failed: ' + String(probe.detail)) + ', ' + fmtAgo(probe.at) : 'not yet', 'probe');
      return tr;
    });
    syncRows(byId('backends').tBodies[0], rows, 'data-backend');
    prev.requests = counts;
    prev.at = now;
    setText('backends-summary', healthy + ' of ' + backends.length + ' healthy');
    setPanel('backends-panel', 'backends-note', null);
    if (backends.length && healthy === 0) setText('backends-note', 'No backend is healthy: proxied requests get 503 (or a stale cached answer).');
    setText('total-rps', haveRps ? fmtRate(totalRps) : DASH);
    setText('total-inflight', fmtInt(inFlight));
  }

  function renderCache(cache) {
    var ids = ['cache-ratio', 'cache-hits', 'cache-misses', 'cache-entries', 'cache-bytes', 'cache-stale', 'cache-coalesced', 'cache-evictions'];
    if (!cache || !cache.enabled) {
      ids.forEach(function (id) { setText(id, DASH); });
      setPanel('cache-panel', 'cache-note', null);
      setText('cache-note', 'The response cache is off ([cache] enabled = false).');
      byId('cache-bar-fill').style.width = '0';
      return;
    }
    var lookups = (cache.hits || 0) + (cache.misses || 0);
    var ratio = lookups ? cache.hits / lookups : null;
    setPanel('cache-panel', 'cache-note', null);
    setText('cache-ratio', ratio === null ? 'no lookups yet' : fmtPercent(ratio));
    setText('cache-hits', fmtInt(cache.hits));
    setText('cache-misses', fmtInt(cache.misses));
    setText('cache-entries', fmtInt(cache.entries));
    setText('cache-bytes', fmtBytes(cache.bytes));
    setText('cache-stale', fmtInt(cache.staleServed));
    setText('cache-coalesced', fmtInt(cache.coalescedWaits));
    setText('cache-evictions', fmtInt(cache.evictions));
    var pct = ratio === null ? 0 : Math.round(ratio * 100);
    byId('cache-bar-fill').style.width = pct + '%';
    byId('cache-bar').setAttribute('aria-valuenow', String(pct));
    byId('cache-bar').setAttribute('aria-valuetext', ratio === null ? 'no lookups yet' : pct + ' % of lookups were hits');
  }

  /** histogram_quantile as Prometheus computes it: linear inside the bucket. */
  function quantile(q, le, cum) {
    var total = cum[cum.length - 1];
    if (!total) return null;
    var rank = q * total;
    for (var i = 0; i < cum.length; i++) {
      if (cum[i] >= rank) {
        var upper = le[i], lower = i ? le[i - 1] : 0, below = i ? cum[i - 1] : 0;
        if (upper === null) return lower;
        if (cum[i] === below) return upper;
        return lower + (upper - lower) * (rank - below) / (cum[i] - below);
      }
    }
    return le[le.length - 2];
  }

  function renderLatency(result) {
    if (result.status !== 'fulfilled' || !result.value || !result.value.available) {
      setText('lat-p50', DASH);
      setText('lat-p99', DASH);
      setText('latency-note', 'Latency unavailable' + (result.status === 'fulfilled' ? '' : ': ' + reason(result.reason)) + '.');
      prev.latency = null;
      return;
    }
    var snap = result.value;
    var last = prev.latency;
    prev.latency = snap;
    var cum = snap.counts;
    var windowed = false;
    if (last && last.counts.length === cum.length && snap.count >= last.count) {
      cum = cum.map(function (c, i) { return c - last.counts[i]; });
      windowed = true;
    }
    var p50 = quantile(0.5, snap.le, cum), p99 = quantile(0.99, snap.le, cum);
    if (windowed && p50 === null) {
      setText('lat-p50', 'idle');
      setText('lat-p99', 'idle');
      setText('latency-note', 'No requests answered in the last second.');
      return;
    }
    setText('lat-p50', p50 === null ? DASH : '~' + fmtSeconds(p50));
    setText('lat-p99', p99 === null ? DASH : '~' + fmtSeconds(p99));
    setText('latency-note', windowed
      ? 'Over the last second, every answered request (cache hits included).'
      : 'Since start, every answered request (cache hits included).');
  }

  function renderKv(result) {
    var tbody = byId('kv').tBodies[0];
    if (result.status !== 'fulfilled') {
      setPanel('kv-panel', 'kv-note', reason(result.reason));
      setText('kv-summary', '');
      return;
    }
    var data = result.value && result.value.data;
    if (!data || typeof data.proxies !== 'object' || data.proxies === null) {
      setPanel('kv-panel', 'kv-note', 'the balancer answered ' + String(result.value && result.value.status ? result.value.status : 'something unexpected'));
      return;
    }
    var names = Object.keys(data.proxies);
    var healthy = 0;
    var rows = names.map(function (addr) {
      var p = data.proxies[addr] || {};
      var m = p.metrics && typeof p.metrics === 'object' ? p.metrics : null;
      if (p.healthy) healthy++;
      var tr = el('tr', p.healthy ? 'is-up' : 'is-down');
      tr.setAttribute('data-node', addr);
      var th = el('th', '', addr);
      th.setAttribute('scope', 'row');
      tr.appendChild(th);
      cell(tr, '', 'health').appendChild(badge(!!p.healthy, 'healthy', 'down'));
      cell(tr, m ? fmtInt(m.total_requests) : 'not reporting', 'num');
      cell(tr, m ? fmtPercent(m.hit_rate) : DASH, 'num');
      cell(tr, m ? fmtInt(m.hits) : DASH, 'num');
      cell(tr, m ? fmtInt(m.misses) : DASH, 'num');
      cell(tr, m ? fmtInt(m.origin_fetches) : DASH, 'num');
      cell(tr, fmtInt(p.in_flight), 'num');
      return tr;
    });
    syncRows(tbody, rows, 'data-node');
    setPanel('kv-panel', 'kv-note', null);
    setText('kv-summary', healthy + ' of ' + names.length + ' nodes healthy, strategy ' + String(data.strategy || DASH));
  }

  function renderHerd(result) {
    var svg = byId('herd-graph');
    var tbody = byId('herd').tBodies[0];
    if (result.status !== 'fulfilled') {
      setPanel('herd-panel', 'herd-note', reason(result.reason));
      setText('herd-summary', '');
      return;
    }
    var servers = result.value && Array.isArray(result.value.servers) ? result.value.servers : null;
    if (!servers) {
      setPanel('herd-panel', 'herd-note', 'unexpected answer from the herd adapter');
      return;
    }
    setPanel('herd-panel', 'herd-note', null);
    var up = servers.filter(function (s) { return s.up; }).length;
    setText('herd-summary', up + ' of ' + servers.length + ' servers up');
    drawHerd(svg, servers);
    var rows = servers.map(function (s) {
      var tr = el('tr', s.up ? 'is-up' : 'is-down');
      tr.setAttribute('data-server', String(s.name));
      var th = el('th', '', s.name);
      th.setAttribute('scope', 'row');
      tr.appendChild(th);
      cell(tr, '', 'health').appendChild(badge(!!s.up, 'up', 'down'));
      cell(tr, isNum(s.clients) ? fmtInt(s.clients) : DASH, 'num');
      cell(tr, Array.isArray(s.neighbors) ? s.neighbors.map(String).join(', ') : DASH);
      return tr;
    });
    syncRows(tbody, rows, 'data-server');
  }

  var drawn = '';
  function drawHerd(svg, servers) {
    var shape = JSON.stringify(servers.map(function (s) { return [s.name, !!s.up, s.clients, s.neighbors]; }));
    if (shape === drawn) return;
    drawn = shape;
    var title = svg.querySelector('title');
    title.textContent = 'Herd graph: ' + servers.map(function (s) {
      return String(s.name) + ' ' + (s.up ? 'up' : 'down');
    }).join(', ');
    var cx = 210, cy = 172, radius = 125, r = 40;
    var pos = {};
    servers.forEach(function (s, i) {
      var a = -Math.PI / 2 + (2 * Math.PI * i) / Math.max(1, servers.length);
      pos[String(s.name)] = { x: cx + radius * Math.cos(a), y: cy + radius * Math.sin(a), up: !!s.up };
    });
    var parts = [title];
    var seen = {};
    servers.forEach(function (s) {
      var a = String(s.name);
      (Array.isArray(s.neighbors) ? s.neighbors : []).forEach(function (n) {
        var b = String(n);
        var key = a < b ? a + '\u0000' + b : b + '\u0000' + a;
        if (seen[key] || !pos[a] || !pos[b]) return;
        seen[key] = true;
        parts.push(svgEl('line', {
          x1: pos[a].x.toFixed(1), y1: pos[a].y.toFixed(1), x2: pos[b].x.toFixed(1), y2: pos[b].y.toFixed(1),
          'class': 'edge' + (pos[a].up && pos[b].up ? '' : ' dead')
        }));
      });
    });
    servers.forEach(function (s) {
      var name = String(s.name);
      var p = pos[name];
      var clients = isNum(s.clients) ? s.clients : null;
      var g = svgEl('g', { 'class': 'node ' + (s.up ? 'up' : 'down'), 'data-server': name });
      var t = svgEl('title', {});
      t.textContent = name + ': ' + (s.up ? 'up' : 'down') + (clients === null ? '' : ', ' + clients + ' clients') +
        (Array.isArray(s.neighbors) && s.neighbors.length ? ', talks to ' + s.neighbors.map(String).join(', ') : '');
      g.appendChild(t);
      g.appendChild(svgEl('circle', { cx: p.x.toFixed(1), cy: p.y.toFixed(1), r: r }));
      var label = svgEl('text', { x: p.x.toFixed(1), y: (p.y - 3).toFixed(1), 'class': 'name' });
      label.textContent = name.length > 10 ? name.slice(0, 9) + '\u2026' : name;
      g.appendChild(label);
      var sub = svgEl('text', { x: p.x.toFixed(1), y: (p.y + 14).toFixed(1), 'class': 'small' });
      sub.textContent = !s.up ? 'down' : clients === null ? 'clients ?' : clients === 1 ? '1 client' : clients + ' clients';
      g.appendChild(sub);
      parts.push(g);
    });
    svg.replaceChildren.apply(svg, parts);
  }

  function tick() {
    var started = Date.now();
    Promise.allSettled([
      getJSON(paths.admin + '/status'),
      getJSON(paths.admin + '/latency'),
      getJSON(paths.kv + '/-/metrics'),
      getJSON(paths.herd + '/-/status')
    ]).then(function (r) {
      var now = Date.now();
      var steps = [
        function () { renderStatus(r[0], now); },
        function () { renderLatency(r[1]); },
        function () { renderKv(r[2]); },
        function () { renderHerd(r[3]); }
      ];
      steps.forEach(function (step) {
        try { step(); } catch (err) { console.error('pibl dashboard:', err); }
      });
      root.setAttribute('data-polls', String(Number(root.getAttribute('data-polls') || 0) + 1));
    }).then(function () {
      setTimeout(tick, Math.max(200, POLL_MS - (Date.now() - started)));
    });
  }

  tick();
})();
`;

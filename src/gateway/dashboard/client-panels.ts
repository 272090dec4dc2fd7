/**
 * Part of dashboard.js (see client-script.ts): the backends, traffic and
 * latency, cache and kv panels, each from one polled answer.
 */
export const PANELS = String.raw`
  function renderStatus(result, now) {
    if (result.status !== 'fulfilled') {
      var why = reason(result.reason);
      var conn = byId('conn');
      conn.className = 'conn conn-bad';
      conn.textContent = 'gateway unreachable: ' + why;
      setPanel('backends-panel', 'backends-note', 'no status from the gateway, ' + why + '; showing the last figures');
      setPanel('cache-panel', 'cache-note', 'no status from the gateway, ' + why);
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
`;

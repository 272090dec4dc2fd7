/**
 * Part of dashboard.js (see client-script.ts): the herd table and its graph,
 * servers on a circle (a pentagon for five), one line per neighbour pair.
 */
export const HERD_PANEL = String.raw`
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
      var c = s.counters && typeof s.counters === 'object' ? s.counters : null;
      var received = c && c.received && typeof c.received === 'object'
        ? Object.keys(c.received).reduce(function (sum, k) { return sum + (isNum(c.received[k]) ? c.received[k] : 0); }, 0)
        : null;
      cell(tr, received === null ? DASH : fmtInt(received), 'num');
      cell(tr, c && isNum(c.floodsSent) ? fmtInt(c.floodsSent) + ' / ' + fmtInt(c.floodsFailed) : DASH, 'num');
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
`;

/**
 * Part of dashboard.js (see client-script.ts): DOM building through
 * textContent and setAttribute only, number formats, the fetch with a
 * deadline, and the row syncing that keeps rows in place between polls.
 */
export const DOM_HELPERS = String.raw`
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
`;

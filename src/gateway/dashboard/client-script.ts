import { DOM_HELPERS } from './client-dom.js';
import { HERD_PANEL } from './client-herd.js';
import { PANELS } from './client-panels.js';

/**
 * dashboard.js, run by the browser as it is (no build step on the user's
 * side): the parts below share one function scope. Every string from the
 * APIs reaches the DOM through textContent or setAttribute, never as markup.
 * The parts are kept free of backticks and `${` so they can live in
 * String.raw literals.
 */
const SETUP = String.raw`
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
`;

const POLL_LOOP = String.raw`
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
`;

export const DASHBOARD_JS = ['(function () {', SETUP, DOM_HELPERS, PANELS, HERD_PANEL, POLL_LOOP, '})();', ''].join('\n');

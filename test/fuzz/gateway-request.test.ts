import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import fc from 'fast-check';
import { clientAddress, clientResponseHeaders, upstreamRequestHeaders } from '../../src/gateway/headers.js';
import { refuseHead, requestTarget } from '../../src/gateway/proxy-handler.js';

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'http2-settings'];
const UNTRUSTED = ['x-forwarded-proto', 'x-forwarded-host', 'forwarded', 'x-original-url', 'x-rewrite-url'];

const targetish = fc.oneof(
  fc.string(),
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.tuple(fc.constantFrom('/', '//', 'http://', 'HTTPS://', 'http:/', '*', 'ftp://', ''), fc.string()).map(([a, b]) => a + b),
);

test('requestTarget: origin-form kept, absolute-form split into path and authority, anything else null; never an exception', () => {
  fc.assert(
    fc.property(targetish, (target) => {
      const r = requestTarget(target);
      if (r === null) return;
      assert.ok(r.path.startsWith('/'), JSON.stringify(r));
      if (target.startsWith('/')) assert.deepEqual(r, { path: target });
      else {
        assert.ok(r.authority && r.authority.length > 0);
        assert.doesNotMatch(r.authority, /[/?#@\s]/, 'no path, userinfo or space in an authority');
        assert.doesNotMatch(r.path, /[#\s]/, 'no fragment or space in a forwarded path');
      }
    }),
    { numRuns: 3_000 },
  );
});

const headerName = fc.oneof(fc.constantFrom(...HOP_BY_HOP, ...UNTRUSTED, 'host', 'Host', 'X-Forwarded-For', 'via', 'accept', 'x-a', 'Connection', 'Expect'), fc.stringMatching(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,12}$/));
const headerValue = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('close', 'keep-alive, x-a', 'x-a, accept', 'upgrade', ''));
const rawHeaders = fc.array(fc.tuple(headerName, headerValue), { maxLength: 20 });

function fakeRequest(pairs: [string, string][], ip: string): IncomingMessage {
  const headers: Record<string, string | string[]> = {};
  for (const [n, v] of pairs) {
    const k = n.toLowerCase();
    if (headers[k] === undefined) headers[k] = v;
    else if (k === 'connection') headers[k] = `${headers[k]}, ${v}`;
  }
  return { rawHeaders: pairs.flat(), headers, httpVersion: '1.1', socket: { remoteAddress: ip } } as unknown as IncomingMessage;
}

test('upstreamRequestHeaders: no hop-by-hop, Connection-named or client-set forwarding header passes; X-Forwarded-For ends with the client', () => {
  fc.assert(
    fc.property(rawHeaders, fc.constantFrom('127.0.0.1', '::ffff:10.0.0.1', '::1'), (pairs, ip) => {
      const req = fakeRequest(pairs, ip);
      const out = upstreamRequestHeaders(req, { clientIp: clientAddress(req), proto: 'http' });
      const named = String(req.headers.connection ?? '')
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter((s) => s && s !== 'close' && s !== 'keep-alive');
      for (const name of Object.keys(out)) {
        assert.equal(name, name.toLowerCase());
        assert.ok(!HOP_BY_HOP.includes(name), `hop-by-hop ${name} forwarded`);
        assert.ok(!named.includes(name) || ['x-forwarded-for', 'via', 'x-forwarded-proto', 'x-forwarded-host'].includes(name), `Connection-named ${name} forwarded`);
      }
      assert.ok(!('forwarded' in out) && !('x-original-url' in out) && !('x-rewrite-url' in out) && !('expect' in out));
      assert.ok(String(out['x-forwarded-for']).endsWith(clientAddress(req)));
      assert.equal(out['x-forwarded-proto'], 'http');
      const via = out.via;
      assert.ok((Array.isArray(via) ? via.at(-1) : via) === '1.1 pibl');
    }),
    { numRuns: 2_000 },
  );
});

test('clientResponseHeaders: any backend header record loses its hop-by-hop fields and gains Via; never an exception', () => {
  const record = fc.dictionary(headerName, fc.oneof(headerValue, fc.array(headerValue, { maxLength: 3 }), fc.constant(undefined)), { maxKeys: 15 });
  fc.assert(
    fc.property(record, (upstream) => {
      const out = clientResponseHeaders(upstream);
      for (const name of Object.keys(out)) assert.ok(!HOP_BY_HOP.includes(name), name);
      const via = out.via;
      assert.equal(Array.isArray(via) ? via.at(-1) : via, '1.1 pibl');
    }),
    { numRuns: 2_000 },
  );
});

test('refuseHead: null, a 400 or a 431 for any header list', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.oneof(fc.constantFrom('Host', 'host', 'HOST', 'hosts', 'x'), headerName), headerValue), { maxLength: 130 }), (pairs) => {
      const r = refuseHead(fakeRequest(pairs, '127.0.0.1'));
      const hosts = pairs.filter(([n]) => n.toLowerCase() === 'host').length;
      if (pairs.length > 100) assert.equal(r?.status, 431);
      else if (hosts > 1) assert.equal(r?.status, 400);
      else assert.equal(r, null);
    }),
    { numRuns: 1_000 },
  );
});

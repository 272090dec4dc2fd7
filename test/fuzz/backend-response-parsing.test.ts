import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'undici';
import { clientFor, rawBackend, send } from '../gateway/backend-client/harness.js';

/**
 * The gateway's backend client against llhttp (undici's parser, which the
 * gateway used before), on generated response heads and bodies, valid and
 * broken: where the client accepts an answer, llhttp accepts it too and
 * reads the same status, fields and body. The client may only be stricter,
 * and only in the ways listed in STRICTER.
 */

const STATUS_LINES = [
  'HTTP/1.1 200 OK',
  'HTTP/1.0 200 OK',
  'HTTP/1.1 404 Not Found',
  'HTTP/1.1 200',
  'HTTP/1.1 200 ',
  'HTTP/1.1 299 Some Reason',
  'HTTP/2.0 200 OK',
  'HTTP/1.1 20 OK',
  'http/1.1 200 OK',
  'HTTP/1.1 200 O\x01K',
  'HTTP/1.1  200 OK',
  'HTTP/1.1 2000 OK',
  'HTTP/1.1 099 Low',
];
const FIELDS = [
  'x-a: b',
  'X-Mixed-Case: Value',
  'x-empty:',
  'x-a:b',
  'x-pad:   padded   ',
  'x-tab:\tt\t',
  'x-a : b',
  'x a: b',
  ': novalue',
  'x-del: a\x7fb',
  'x-nul: a\x00b',
  ' folded',
  'set-cookie: a=1',
  'set-cookie: b=2',
  'connection: keep-alive',
  'keep-alive: timeout=5',
  'x-quote: "a, b"',
  'x-c@t: v',
  'x-semi: a;b=c',
];
const NO_BODY_STATUS_LINES = ['HTTP/1.1 204 No Content', 'HTTP/1.1 304 Not Modified'];
const EXTENSIONS = [';name=value', ';a', ';a=b;c', ';a="b c"', ';a="q\\"s"', ';', ';@@@', ';a=', ';a="open', ';\x80', ';a=b c'];
const TRAILERS = ['x-trailer: t', 'x-trailer:t', 'no colon', 'bad name: v', ' folded', 'content-length: 9', 'x-t: a\x7fb'];
const LENGTHS = (n: number) => [`${n}`, ` ${n} `, `+${n}`, `0x${n.toString(16)}`, `${n}, ${n}`, `-1`, `${n}.0`, ''];

/** A small deterministic generator, so that a failure names a case that can be run again. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Case {
  method: 'GET' | 'HEAD';
  text: string;
}

function makeCase(seed: number): Case {
  const r = random(seed);
  const pick = <T>(list: T[]): T => list[Math.floor(r() * list.length)]!;
  // Answers without a body (HEAD, 204, 304) still carry framing fields, which must be read as strictly.
  const bodiless = r() < 0.15;
  const method = bodiless && r() < 0.5 ? 'HEAD' : 'GET';
  const lines = [bodiless && method === 'GET' ? pick(NO_BODY_STATUS_LINES) : r() < 0.85 ? 'HTTP/1.1 200 OK' : pick(STATUS_LINES)];
  const fieldCount = Math.floor(r() * 4);
  for (let i = 0; i < fieldCount; i++) lines.push(r() < 0.6 ? pick(FIELDS.slice(0, 6)) : pick(FIELDS));
  const body = 'x'.repeat(Math.floor(r() * 40));
  let payload = body;
  const framing = r();
  if (framing < 0.4) {
    lines.push(`content-length: ${r() < 0.7 ? body.length : pick(LENGTHS(body.length))}`);
    if (r() < 0.08) lines.push(`content-length: ${r() < 0.5 ? body.length : body.length + 1}`);
    if (r() < 0.05) lines.push('transfer-encoding: chunked');
  } else if (framing < 0.8) {
    lines.push(r() < 0.9 ? 'transfer-encoding: chunked' : pick(['transfer-encoding: gzip, chunked', 'Transfer-Encoding: CHUNKED', 'transfer-encoding: chunked, gzip']));
    payload = chunked(body, r, pick);
  } else if (framing < 0.9) {
    lines.push('transfer-encoding: gzip');
  }
  // Now and then a line ends in a bare LF or CR.
  let head = r() < 0.02 ? '\r\n' : '';
  for (const line of lines) head += line + (r() < 0.04 ? pick(['\n', '\r']) : '\r\n');
  return { method, text: `${head}${r() < 0.03 ? '\n' : '\r\n'}${bodiless ? '' : payload}` };
}

function chunked(body: string, r: () => number, pick: <T>(list: T[]) => T): string {
  let out = '';
  let at = 0;
  while (at < body.length) {
    const size = Math.min(body.length - at, 1 + Math.floor(r() * 15));
    const hex = size.toString(16);
    const sizeText = r() < 0.8 ? hex : r() < 0.5 ? hex + pick(EXTENSIONS) : pick([hex.toUpperCase(), `${hex} ;ext`, ` ${hex}`, `${hex}g`, `0${hex}`, `0000000000000${hex}`]);
    out += `${sizeText}\r\n${body.slice(at, at + size)}${r() < 0.95 ? '\r\n' : pick(['\n', '', 'xx\r\n'])}`;
    at += size;
  }
  out += r() < 0.9 ? '0\r\n' : pick(['0;end\r\n', '00\r\n', '0\n']);
  if (r() < 0.25) out += r() < 0.85 ? `${pick(TRAILERS)}\r\n` : 'x-trailer: t\n';
  return `${out}\r\n`;
}

type Outcome = { ok: true; status: number; headers: Record<string, unknown>; body: string } | { ok: false; error: string };

test('the backend client reads no answer llhttp would refuse, and reads the others as llhttp does', { timeout: 120_000 }, async (t) => {
  const cases = Array.from({ length: 2000 }, (_, i) => makeCase(i + 1));
  // Each request names its case; the backend writes that case's bytes and closes.
  const backend = await rawBackend((head, socket) => {
    const index = Number(head.split(' ')[1]!.slice(1));
    socket.end(Buffer.from(cases[index]!.text, 'latin1'));
  });
  const ours = clientFor(backend.port, { headersTimeoutMs: 2_000, bodyTimeoutMs: 2_000 });
  const undici = new Client(`http://127.0.0.1:${backend.port}`, { headersTimeout: 2_000, bodyTimeout: 2_000 });
  t.after(async () => {
    await ours.destroy();
    await undici.destroy();
    await backend.close();
  });

  let accepted = 0;
  let stricter = 0;
  for (let i = 0; i < cases.length; i++) {
    const { method, text: bytes } = cases[i]!;
    const mine: Outcome = await send(ours, { method, path: `/${i}` }).then(
      (a) => ({ ok: true as const, status: a.statuses.at(-1)!, headers: a.headers, body: a.body }),
      (err: Error) => ({ ok: false as const, error: `${err.name} ${(err as { code?: string }).code}: ${err.message}` }),
    );
    const theirs: Outcome = await undici.request({ method, path: `/${i}`, headers: { host: 'x' } }).then(
      async (res) => ({ ok: true as const, status: res.statusCode, headers: res.headers, body: Buffer.from(await res.body.arrayBuffer()).toString('latin1') }),
      (err: Error) => ({ ok: false as const, error: `${err.name}: ${err.message}` }),
    ).catch((err: Error) => ({ ok: false as const, error: `${err.name}: ${err.message}` }));
    const text = `${method} ${JSON.stringify(bytes)}`;
    // undici's request() also checks a body against its Content-Length after parsing, on a 204 too: not llhttp's verdict.
    if (!theirs.ok && theirs.error.startsWith('ResponseContentLengthMismatchError')) continue;
    if (mine.ok) {
      accepted++;
      assert.ok(theirs.ok, `case ${i + 1} ${text}: the client accepted what llhttp refused (${(theirs as { error: string }).error})`);
      assert.equal(mine.status, theirs.status, `case ${i + 1} ${text}: status`);
      assert.deepEqual(mine.headers, withoutTrailingWhitespace(theirs.headers), `case ${i + 1} ${text}: fields`);
      assert.equal(mine.body, theirs.body, `case ${i + 1} ${text}: body`);
    } else if (theirs.ok) {
      stricter++;
      assert.ok(STRICTER.some((reason) => reason.test(bytes)), `case ${i + 1} ${text}: refused (${mine.error}) what llhttp reads, for no listed reason`);
    }
  }
  t.diagnostic(`${cases.length} answers: ${accepted} read alike, ${stricter} refused where llhttp reads them (listed reasons), the rest refused by both`);
  assert.ok(accepted > cases.length / 3, 'the generator makes mostly valid answers');
});

/** llhttp keeps a value's trailing whitespace, which RFC 9112 §5 excludes from the value (the client drops it). */
function withoutTrailingWhitespace(headers: Record<string, unknown>): Record<string, unknown> {
  const trim = (v: unknown) => (typeof v === 'string' ? v.replace(/[ \t]+$/, '') : v);
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, Array.isArray(value) ? value.map(trim) : trim(value)]));
}

/** Answers the client refuses and llhttp reads (each a 502 at the gateway, as RFC 9112 allows a proxy). */
const STRICTER: RegExp[] = [
  // A version other than 1.0 or 1.1 on an HTTP/1.1 connection (llhttp reads any digit.digit).
  /^HTTP\/(?!1\.[01] )/,
  // An empty line before the status line (RFC 9112 §2.2 asks servers, not clients, to skip one).
  /^\r\n/,
  // A control character in the reason phrase, which RFC 9112 §4 leaves out of reason-phrase.
  /^[^\r\n]*[\x00-\x08\x0a-\x1f\x7f][^\r\n]*\r\n/,
];

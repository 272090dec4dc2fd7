/**
 * Cache-Control parsing (RFC 9111 §5.2, list syntax of RFC 9110 §5.6.1,
 * quoted strings of §5.6.4). http-cache-semantics splits on every comma and
 * trims around `=`, so `max-age =100`, `max-age=100a` or a quoted
 * `extension="a, max-age=100"` would wrongly make a response fresh; the
 * directives the policy works from are parsed here instead.
 */
export type Directives = Record<string, string | true>;

const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;

/** Directive names lower-cased; the first occurrence of a directive wins (RFC 9111 §4.2.1). */
export function parseCacheControl(value: string | string[] | undefined): Directives {
  const out: Directives = {};
  if (value === undefined) return out;
  for (const member of splitList(Array.isArray(value) ? value.join(',') : value)) {
    const eq = member.indexOf('=');
    const rawName = eq < 0 ? member : member.slice(0, eq);
    // No white space around `=` (RFC 9111 §5.2: `token [ "=" ( token / quoted-string ) ]`).
    if (eq >= 0 && (rawName !== rawName.trimEnd() || /^\s/.test(member.slice(eq + 1)))) continue;
    const name = rawName.toLowerCase();
    if (!TOKEN.test(name) || name in out) continue;
    if (eq < 0) {
      out[name] = true;
      continue;
    }
    const argument = unquote(member.slice(eq + 1));
    if (argument !== null) out[name] = argument;
  }
  return out;
}

/** RFC 9111 §1.2.2 delta-seconds: digits only; anything else is not a number. */
export function deltaSeconds(value: string | true | undefined): number | undefined {
  return typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : undefined;
}

/**
 * The field names of a qualified `no-cache="a, b"` (RFC 9111 §5.2.2.4): the
 * response may be reused, but without those fields unless revalidated.
 */
export function qualifiedNoCacheFields(directives: Directives): string[] {
  const raw = directives['no-cache'];
  if (typeof raw !== 'string') return [];
  // A Structured Field String (CDN-Cache-Control) keeps its quotes; Cache-Control's parser has removed them.
  const value = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
  return value
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name.length > 0);
}

/**
 * The directives as the freshness arithmetic should see them: an invalid
 * max-age or s-maxage makes the response stale rather than fresh (RFC 9111
 * §4.2.1 "a cache ... SHOULD consider [invalid freshness information] to be
 * stale"), and a qualified no-cache does not force revalidation of the whole
 * response (its fields are dropped from cached answers instead).
 */
export function freshnessDirectives(directives: Directives): Directives {
  const out: Directives = { ...directives };
  for (const name of ['max-age', 's-maxage']) {
    if (name in out && deltaSeconds(out[name]) === undefined) out[name] = '0';
  }
  if (typeof out['no-cache'] === 'string') delete out['no-cache'];
  return out;
}

/** RFC 8941 §3.3 bare items: decimal, integer, string, token, byte sequence, boolean (sticky: matched at a position). */
const SF_BARE_ITEM = /-?\d{1,12}\.\d{1,3}(?![\d.])|-?\d{1,15}(?![\d.])|"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\])*"|[A-Za-z*][A-Za-z0-9:/!#$%&'*+.^_`|~-]*|:[A-Za-z0-9+/=]*:|\?[01]/y;
const SF_KEY = /[a-z*][a-z0-9_.*-]*/y;

/**
 * A targeted cache-control field (RFC 9213: `CDN-Cache-Control`), parsed
 * as the Structured Field Dictionary it is (RFC 8941 §4.2.2): lower-case
 * keys, no white space around `=`, typed values, parameters and inner lists
 * allowed, no empty member. Null when the field is absent, empty or does not
 * parse: RFC 9213 §2.1 then has the cache fall back to Cache-Control and
 * Expires. A value of the wrong type (a string max-age) is kept quoted, so
 * it counts as invalid freshness, not as a number.
 */
export function parseTargetedCacheControl(value: string | string[] | undefined): Directives | null {
  if (value === undefined) return null;
  const input = (Array.isArray(value) ? value.join(',') : value).replace(/^ +| +$/g, '');
  const out: Directives = {};
  let i = 0;
  const match = (re: RegExp): string | null => {
    re.lastIndex = i;
    const m = re.exec(input);
    if (!m) return null;
    i = re.lastIndex;
    return m[0];
  };
  const skip = (chars: string) => {
    while (i < input.length && chars.includes(input[i]!)) i++;
  };
  const parameters = (): boolean => {
    while (input[i] === ';') {
      i++;
      skip(' ');
      if (match(SF_KEY) === null) return false;
      if (input[i] === '=') {
        i++;
        if (match(SF_BARE_ITEM) === null) return false;
      }
    }
    return true;
  };
  const innerList = (): string | null => {
    const from = i++;
    for (;;) {
      skip(' ');
      if (input[i] === ')') {
        i++;
        return parameters() ? input.slice(from, i) : null;
      }
      if (match(SF_BARE_ITEM) === null || !parameters()) return null;
      if (input[i] !== ' ' && input[i] !== ')') return null;
    }
  };
  while (i < input.length) {
    const name = match(SF_KEY);
    if (name === null) return null;
    let item: string | true = true;
    if (input[i] === '=') {
      i++;
      const parsed = input[i] === '(' ? innerList() : match(SF_BARE_ITEM);
      if (parsed === null) return null;
      item = parsed;
    }
    if (!parameters()) return null;
    // The last duplicate wins in a Dictionary (RFC 8941 §4.2.2); `?0` is false: the directive is off.
    if (item === '?0') delete out[name];
    else out[name] = item === '?1' ? true : item;
    skip(' \t');
    if (i >= input.length) break;
    if (input[i] !== ',') return null;
    i++;
    skip(' \t');
    // A trailing comma is a parse error.
    if (i >= input.length) return null;
  }
  // A valid field that names nothing the cache knows still governs it (RFC 9213 §2.1 falls back only when empty or invalid).
  return input.length > 0 ? out : null;
}

/** Splits a comma-separated list, leaving commas inside quoted strings alone. */
function splitList(value: string): string[] {
  const members: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const char = value[i]!;
    if (quoted) {
      current += char;
      if (char === '\\' && i + 1 < value.length) current += value[++i];
      else if (char === '"') quoted = false;
    } else if (char === '"') {
      quoted = true;
      current += char;
    } else if (char === ',') {
      members.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  members.push(current);
  return members.map((member) => member.trim()).filter((member) => member.length > 0);
}

/** A token stays as it is; a quoted string loses its quotes and escapes; null when malformed. */
function unquote(argument: string): string | null {
  if (!argument.startsWith('"')) return argument;
  if (argument.length < 2 || !argument.endsWith('"')) return null;
  return argument.slice(1, -1).replace(/\\(.)/g, '$1');
}

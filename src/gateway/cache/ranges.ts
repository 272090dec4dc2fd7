import { parseHttpDate } from './http-date.js';

export type RangeAnswer =
  /** Send the whole representation (no Range, one we ignore, or an If-Range that does not match). */
  | { kind: 'full' }
  | { kind: 'partial'; start: number; end: number }
  | { kind: 'unsatisfiable' };

/**
 * A single byte range served from a complete stored 200 (RFC 9110 §14.2,
 * §15.3.7; RFC 9111 §3.4 lets a cache answer ranges from what it holds).
 * Several ranges, or a Range we cannot parse, are ignored: a server may
 * always answer 200 with the whole representation instead.
 */
export function selectRange(
  range: string | undefined,
  ifRange: string | undefined,
  stored: { etag?: string | undefined; 'last-modified'?: string | undefined },
  length: number,
): RangeAnswer {
  if (range === undefined || length === 0) return { kind: 'full' };
  if (ifRange !== undefined && !ifRangeMatches(ifRange.trim(), stored)) return { kind: 'full' };
  const match = /^bytes=\s*(\d*)-(\d*)\s*$/i.exec(range.trim());
  if (!match || (match[1] === '' && match[2] === '')) return { kind: 'full' };
  if (match[1] === '') {
    const suffix = Number(match[2]);
    return suffix === 0 ? { kind: 'unsatisfiable' } : { kind: 'partial', start: Math.max(0, length - suffix), end: length - 1 };
  }
  const start = Number(match[1]);
  const last = match[2] === '' ? length - 1 : Number(match[2]);
  if (last < start) return { kind: 'full' };
  if (start >= length) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end: Math.min(last, length - 1) };
}

/** RFC 9110 §13.1.5: a strong ETag compared strongly, or a date equal to Last-Modified. */
function ifRangeMatches(ifRange: string, stored: { etag?: string | undefined; 'last-modified'?: string | undefined }): boolean {
  if (ifRange.startsWith('"') || ifRange.startsWith('W/')) {
    return !ifRange.startsWith('W/') && stored.etag !== undefined && !stored.etag.startsWith('W/') && stored.etag === ifRange;
  }
  const date = parseHttpDate(ifRange);
  const lastModified = parseHttpDate(stored['last-modified']);
  return date !== null && lastModified !== null && date === lastModified;
}

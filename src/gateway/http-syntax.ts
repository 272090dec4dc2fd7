/**
 * RFC 9110's character classes, once for every parser and writer of the
 * gateway (the fast lane's request heads and answers, the backend client's
 * requests and answers): the same bytes are tokens and values everywhere.
 */

/** RFC 9110 §5.6.2 tchar, as a regular-expression class. */
export const TCHAR = "[!#$%&'*+\\-.^_`|~0-9A-Za-z]";
/** A whole token (method, field name). */
export const TOKEN = new RegExp(`^${TCHAR}+$`);
/** Any character a field value may not hold: a control character but HTAB (node's and undici's check; obs-text is allowed). */
export const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

function byteClass(test: (c: number) => boolean): Uint8Array {
  const table = new Uint8Array(256);
  for (let c = 0; c < 256; c++) table[c] = test(c) ? 1 : 0;
  return table;
}

/** tchar by byte (1 = in the class), for parsers that walk a head character by character. */
export const TOKEN_CHAR = byteClass((c) => c > 0x20 && c < 0x7f && !'"(),/:;<=>?@[\\]{}'.includes(String.fromCharCode(c)));
/** A field value's characters by byte: no control character but HTAB, obs-text allowed. */
export const VALUE_CHAR = byteClass((c) => c === 0x09 || (c >= 0x20 && c !== 0x7f));

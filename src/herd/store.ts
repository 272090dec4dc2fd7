/**
 * Per-client reports with the newest-client-time rule (SPEC §4): a report
 * replaces the stored one only when its client time is strictly newer, so an
 * older or equal report never overwrites and every flood ends.
 */
import { compareTimes } from './clock.js';
import { formatAt } from './messages.js';
import type { AtMessage, ClientReport } from './types.js';

export interface StoredReport {
  /** The six-field AT line, in wire (latin1) characters. */
  line: string;
  message: AtMessage;
}

export class ClientStore {
  readonly #reports = new Map<string, StoredReport>();

  get size(): number {
    return this.#reports.size;
  }

  get(client: string): StoredReport | undefined {
    return this.#reports.get(client);
  }

  /** Stores the report when strictly newer than what is known; says whether it did. */
  offer(message: AtMessage): StoredReport | undefined {
    const known = this.#reports.get(message.client);
    if (known && compareTimes(message.time, known.message.time) <= 0) return undefined;
    const stored = { line: formatAt(message), message: { ...message, extra: [] } };
    this.#reports.set(message.client, stored);
    return stored;
  }

  values(): IterableIterator<StoredReport> {
    return this.#reports.values();
  }
}

// The wire is latin1 (one character per byte) so that fields echo byte for
// byte; callers in JavaScript hold UTF-8 text, converted at this boundary.
export const toWire = (text: string) => Buffer.from(text, 'utf8').toString('latin1');
export const fromWire = (text: string) => Buffer.from(text, 'latin1').toString('utf8');

export function toClientReport(stored: StoredReport): ClientReport {
  const m = stored.message;
  return {
    at: fromWire(stored.line),
    server: fromWire(m.server),
    diff: m.diff,
    client: fromWire(m.client),
    location: m.location.text,
    time: m.time,
  };
}

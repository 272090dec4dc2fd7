/**
 * Types shared by the herd's files: the wire messages, the places seam and
 * what a running server exposes to the gateway adapter and to metrics.
 */
import type { Service } from '../common/service.js';

/** An ISO 6709 `[+-]lat[+-]lon` location, parsed, with its text kept as received. */
export interface Location {
  text: string;
  lat: number;
  lng: number;
}

export interface IamatMessage {
  kind: 'IAMAT';
  client: string;
  location: Location;
  /** The client's POSIX time exactly as sent. */
  time: string;
}

export interface WhatsatMessage {
  kind: 'WHATSAT';
  client: string;
  radiusKm: number;
  bound: number;
}

/** One report as it travels between servers: `AT server diff client location time`. */
export interface AtMessage {
  kind: 'AT';
  server: string;
  diff: string;
  client: string;
  location: Location;
  time: string;
  /** Tokens after the sixth field (some implementations append the servers visited). */
  extra: string[];
}

export type HerdMessage = IamatMessage | WhatsatMessage | AtMessage;

/** One result of Google's Nearby Search, with the fields every consumer reads. */
export interface PlaceResult {
  name: string;
  geometry: { location: { lat: number; lng: number } };
  place_id: string;
  types: string[];
  vicinity: string;
  [field: string]: unknown;
}

/** Google's Nearby Search answer shape, which both providers produce. */
export interface PlacesAnswer {
  html_attributions: string[];
  results: PlaceResult[];
  status: string;
  [field: string]: unknown;
}

/** The one seam for places: `offline` (gazetteer) and `google` (HTTP) sit behind it. */
export interface PlacesProvider {
  readonly kind: string;
  /** Never rejects: a failure is answered as `UNKNOWN_ERROR` with no results. */
  nearby(lat: number, lng: number, radiusKm: number, bound: number): Promise<PlacesAnswer>;
  /** Starts any slow preparation (the gazetteer index) without waiting for it. */
  warmUp?(): void;
}

/** What a server knows about one client, in JavaScript (UTF-8) strings. */
export interface ClientReport {
  /** The stored six-field AT line, as WHATSAT answers it. */
  at: string;
  server: string;
  diff: string;
  client: string;
  location: string;
  time: string;
}

export type MessageKind = 'IAMAT' | 'WHATSAT' | 'AT' | 'invalid';

/** Live counters, read by the future metrics (SPEC §6: herd messages by kind and flood fan-out). */
export interface HerdCounters {
  received: Record<MessageKind, number>;
  /** AT lines handed to a neighbour. */
  floodsSent: number;
  /** AT lines a neighbour could not take (down, refused, timed out). */
  floodsFailed: number;
  /** Connections opened to neighbours (one carries every line ready when it opened). */
  peerConnections: number;
  /** Neighbours whose last connection attempt succeeded. */
  peersReachable: number;
  /** Clients with a stored report. */
  clients: number;
}

export type PeerState = 'unknown' | 'up' | 'down';

export interface HerdService extends Service {
  /** The herd server's name, "Riley". */
  readonly serverName: string;
  readonly neighbors: readonly string[];
  /** The last known report of a client, or undefined. */
  lookup(client: string): ClientReport | undefined;
  /** Every stored report (for a dashboard or an adapter listing). */
  reports(): ClientReport[];
  /** A fresh snapshot of the counters. */
  counters(): HerdCounters;
  /** Each neighbour and what its last connection attempt said. */
  peers(): Record<string, PeerState>;
}

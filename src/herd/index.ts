/**
 * What the rest of pibl uses from the herd: the server, a one-shot client for
 * the gateway's HTTP adapter, the pure message functions and the places seam.
 *
 * The adapter (SPEC §5), for a server at { host, port }:
 * - POST iamat: validate with parseIamat(formatIamat(client, location, time)),
 *   then parseAtAnswer(await sendHerdLine(target, line)) gives the AT fields
 *   (undefined: the server answered `?`).
 * - GET whatsat: splitWhatsatAnswer(await sendHerdLine(target, formatWhatsat(client, radius, max)))
 *   gives { at, places } (undefined: `?`, e.g. an unknown client).
 * - GET clients/<client>: in the same process (`pibl up`), service.lookup(client);
 *   across processes, fetchClientReport(target, client), which reads the AT
 *   line at the head of a WHATSAT answer (one places look-up).
 * sendHerdLine rejects on connection errors and after target.timeoutMs
 * (default 5 s); every string in and out is UTF-8.
 */
export { startHerdServer, neighborsOf, type HerdServerOptions } from './server.js';
export { sendHerdLine, parseAtAnswer, fetchClientReport, type HerdTarget } from './client.js';
export {
  parseIamat,
  parseWhatsat,
  parseAt,
  parseMessage,
  formatAt,
  formatIamat,
  formatWhatsat,
  formatPlacesJson,
  formatWhatsatAnswer,
  splitWhatsatAnswer,
  squeezeJson,
  MAX_RADIUS_KM,
  MAX_BOUND,
} from './messages.js';
export { parseLocation, formatLocation } from './location.js';
export { compareTimes, formatDiff } from './clock.js';
export { createPlacesProvider, OfflinePlaces, GooglePlaces, nearbySearchUrl } from './places/index.js';
export type * from './types.js';

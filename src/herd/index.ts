/**
 * What the rest of pibl uses from the herd: the server, a one-shot client for
 * the gateway's HTTP adapter, the pure message functions and the places seam.
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

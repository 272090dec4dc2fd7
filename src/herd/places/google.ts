/**
 * The `google` places provider: the legacy Nearby Search endpoint
 * (`<url>?location=lat,lng&radius=<metres>&key=<key>`, SPEC §4). The base URL
 * is configurable so tests point it at a local fake. Every failure — network,
 * timeout, non-200, not JSON — is answered `UNKNOWN_ERROR` within the timeout.
 */
import type { PlaceResult, PlacesAnswer, PlacesProvider } from '../types.js';
import { unknownError } from './shape.js';

export interface GooglePlacesOptions {
  url: string;
  apiKey: string;
  timeoutMs: number;
}

/** The exact request URL; exported so tests and logs can show it. */
export function nearbySearchUrl(base: string, apiKey: string, lat: number, lng: number, radiusKm: number): string {
  // Google takes metres; below 1 m it would read as "no radius".
  const metres = Math.max(1, Math.round(radiusKm * 1000));
  const separator = base.includes('?') ? '&' : '?';
  return `${base}${separator}location=${decimal(lat)},${decimal(lng)}&radius=${metres}&key=${encodeURIComponent(apiKey)}`;
}

// 1e-7 is how JavaScript prints a tiny coordinate; Google wants plain decimals.
const decimal = (n: number) => (String(n).includes('e') ? n.toFixed(9) : String(n));

export class GooglePlaces implements PlacesProvider {
  readonly kind = 'google';
  readonly #options: GooglePlacesOptions;

  constructor(options: GooglePlacesOptions) {
    this.#options = options;
  }

  async nearby(lat: number, lng: number, radiusKm: number, bound: number): Promise<PlacesAnswer> {
    const { url, apiKey, timeoutMs } = this.#options;
    try {
      // One signal bounds the connection, the headers and the body.
      const response = await fetch(nearbySearchUrl(url, apiKey, lat, lng, radiusKm), {
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) {
        await response.body?.cancel().catch(() => undefined);
        return unknownError();
      }
      const answer = asAnswer(await response.json());
      return answer ? { ...answer, results: answer.results.slice(0, bound) } : unknownError();
    } catch {
      return unknownError();
    }
  }
}

/** Google's shape, or undefined: a status string is required, missing lists count as empty. */
function asAnswer(body: unknown): PlacesAnswer | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  const results = b.results ?? [];
  const attributions = b.html_attributions ?? [];
  if (typeof b.status !== 'string' || !Array.isArray(results) || !Array.isArray(attributions)) return undefined;
  return { ...b, html_attributions: attributions as string[], results: results as PlaceResult[], status: b.status };
}

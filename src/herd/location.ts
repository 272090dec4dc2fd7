import type { Location } from './types.js';

/**
 * ISO 6709 in decimal degrees as the CS131 clients send it: a sign before the
 * latitude and one before the longitude, both required (`+34.068930-118.445127`),
 * any number of decimals. Anything else is not a location.
 */
const ISO_6709 = /^([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)$/;

export function parseLocation(text: string): Location | undefined {
  const match = ISO_6709.exec(text);
  if (!match) return undefined;
  const lat = Number(match[1]);
  const lng = Number(match[2]);
  if (!(Math.abs(lat) <= 90) || !(Math.abs(lng) <= 180)) return undefined;
  return { text, lat, lng };
}

/** The inverse, for callers holding numbers (the adapter, the bench). */
export function formatLocation(lat: number, lng: number, decimals = 6): string {
  const part = (n: number) => (n < 0 ? '-' : '+') + Math.abs(n).toFixed(decimals);
  return part(lat) + part(lng);
}

import type { PlacesAnswer, PlaceResult } from '../types.js';

/** Google's Nearby Search answer from a list of results. */
export const placesAnswer = (results: PlaceResult[], attributions: string[] = []): PlacesAnswer => ({
  html_attributions: attributions,
  results,
  status: results.length ? 'OK' : 'ZERO_RESULTS',
});

/** What every provider answers when it cannot answer (SPEC §4). */
export const unknownError = (): PlacesAnswer => ({ html_attributions: [], results: [], status: 'UNKNOWN_ERROR' });

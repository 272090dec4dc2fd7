import type { HerdConfig } from '../../config/types.js';
import type { PlacesProvider } from '../types.js';
import { GooglePlaces } from './google.js';
import { OfflinePlaces } from './offline.js';

export { GooglePlaces, nearbySearchUrl, type GooglePlacesOptions } from './google.js';
export { OfflinePlaces } from './offline.js';
export { loadGazetteer } from './gazetteer.js';
export { placesAnswer, unknownError } from './shape.js';

/** The provider the config names; everything it needs comes from HerdConfig, never process.env. */
export function createPlacesProvider(herd: Pick<HerdConfig, 'places' | 'placesUrl' | 'placesApiKey' | 'placesTimeoutMs'>): PlacesProvider {
  if (herd.places === 'google') {
    return new GooglePlaces({ url: herd.placesUrl, apiKey: herd.placesApiKey, timeoutMs: herd.placesTimeoutMs });
  }
  return new OfflinePlaces();
}

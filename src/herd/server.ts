/**
 * One herd server (SPEC §4): IAMAT, WHATSAT and AT over the shared TCP line
 * protocol, flooding to its neighbours, answering places from its provider.
 * It listens before anything slow happens (the gazetteer loads afterwards),
 * because the original tooling expects a port within 0.5 s of start.
 */
import { badConfig } from '../common/errors.js';
import { startLineServer, type LineServer, type LineSession } from '../common/line-server.js';
import type { HerdConfig } from '../config/types.js';
import { diffSince, nowNanos } from './clock.js';
import { Flooder, type Peer } from './flood.js';
import { HerdLog } from './log.js';
import { formatAt, formatInvalid, formatPlacesJson, formatWhatsatAnswer, parseMessage } from './messages.js';
import { createPlacesProvider } from './places/index.js';
import { ClientStore, toClientReport, toWire } from './store.js';
import type { AtMessage, HerdCounters, HerdService, IamatMessage, MessageKind, PlacesProvider, WhatsatMessage } from './types.js';

export interface HerdServerOptions {
  name: string;
  herd: HerdConfig;
  /** Overrides the configured port (0: any free port). */
  port?: number;
  /** Replaces the provider the config names (a test's fake, a shared instance). */
  places?: PlacesProvider;
  /** Bound on connecting to and writing to a neighbour (default 2 s). */
  peerTimeoutMs?: number;
  /** A connection silent this long is closed (default 30 s). */
  idleTimeoutMs?: number;
}

/** A neighbour's address: a server listening on every interface is reached on loopback. */
const peerHost = (host: string) => (host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host);

/** Links are two-way (SPEC §4): a server also floods to every server that lists it. */
export function neighborsOf(herd: HerdConfig, name: string): Peer[] {
  const names = new Set(herd.servers.find((s) => s.name === name)?.neighbors ?? []);
  for (const s of herd.servers) if (s.neighbors.includes(name)) names.add(s.name);
  names.delete(name);
  return herd.servers
    .filter((s) => names.has(s.name))
    // [herd.NAME] host names where a peer is reached (a compose service name).
    .map((s) => ({ name: s.name, host: s.host || peerHost(herd.host), port: s.port }));
}

export async function startHerdServer(options: HerdServerOptions): Promise<HerdService> {
  const { name, herd } = options;
  const own = herd.servers.find((s) => s.name === name);
  if (!own) throw badConfig(`herd: unknown server "${name}" (allowed: ${herd.servers.map((s) => s.name).join(', ')})`);

  const peers = neighborsOf(herd, name);
  const log = new HerdLog(herd.logDir, name);
  const places = options.places ?? createPlacesProvider(herd);
  const store = new ClientStore();
  const flooder = new Flooder(peers, options.peerTimeoutMs ?? 2_000, log);
  const received: Record<MessageKind, number> = { IAMAT: 0, WHATSAT: 0, AT: 0, invalid: 0 };

  const answer = (session: LineSession, text: string) => {
    log.write('SENT', `to ${session.remote}: ${text}`);
    return text;
  };
  const invalid = (session: LineSession, line: string) => {
    received.invalid++;
    return answer(session, formatInvalid(line));
  };

  async function onIamat(message: IamatMessage, session: LineSession): Promise<string> {
    const at: AtMessage = {
      kind: 'AT',
      server: name,
      diff: diffSince(message.time, nowNanos()),
      client: message.client,
      location: message.location,
      time: message.time,
      extra: [],
    };
    const stored = store.offer(at);
    // The answer leaves after the flood was handed to the peers (SPEC §4), so
    // a client that next asks a neighbour finds its report on the way.
    if (stored) await flooder.flood(stored.line);
    return answer(session, formatAt(at) + '\n');
  }

  function onAt(message: AtMessage): void {
    const stored = store.offer(message);
    // Not awaited: a peer gets no answer, and the flood's own timeout bounds it.
    if (stored) void flooder.flood(stored.line);
  }

  async function onWhatsat(message: WhatsatMessage, line: string, session: LineSession): Promise<string> {
    const stored = store.get(message.client);
    if (!stored) return invalid(session, line);
    const { lat, lng } = stored.message.location;
    const found = await places.nearby(lat, lng, message.radiusKm, message.bound);
    const json = formatPlacesJson({ ...found, results: found.results.slice(0, message.bound) });
    // Place names are UTF-8; the wire is latin1 characters, one per byte.
    return answer(session, formatWhatsatAnswer(stored.line, toWire(json)));
  }

  let lines: LineServer;
  try {
    lines = await startLineServer({
      name: `herd ${name}`,
      host: herd.host,
      port: options.port ?? own.port,
      encoding: 'latin1',
      ...(options.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: options.idleTimeoutMs }),
      handle(line, session) {
        log.write('RECEIVED', `from ${session.remote}: ${line}`);
        const message = parseMessage(line);
        if (!message) return invalid(session, line);
        received[message.kind]++;
        if (message.kind === 'IAMAT') return onIamat(message, session);
        if (message.kind === 'WHATSAT') return onWhatsat(message, line, session);
        onAt(message);
        return undefined;
      },
      onLineTooLong(session, head) {
        received.invalid++;
        log.write('ERROR', `from ${session.remote}: line too long, closing (starts ${head})`);
        return answer(session, formatInvalid(head));
      },
      onHandlerError(session, line, err) {
        log.write('ERROR', `from ${session.remote}: ${String(err)}`);
        return invalid(session, line);
      },
      onConnection: (session) => log.write('CONNECTION', `from ${session.remote} opened`),
      onClose: (session) => log.write('CONNECTION', `from ${session.remote} closed`),
    });
  } catch (err) {
    // A port in use must not leave the log file open behind it.
    await log.close();
    throw err;
  }
  log.write('INFO', `${name} listening on ${herd.host}:${lines.port}, neighbours ${peers.map((p) => p.name).join(', ') || '(none)'}, places ${places.kind}`);
  places.warmUp?.();

  return {
    name: `herd ${name}`,
    serverName: name,
    host: herd.host,
    port: lines.port,
    neighbors: peers.map((p) => p.name),
    lookup(client) {
      const stored = store.get(toWire(client));
      return stored && toClientReport(stored);
    },
    reports: () => [...store.values()].map(toClientReport),
    counters: (): HerdCounters => ({
      received: { ...received },
      floodsSent: flooder.floodsSent,
      floodsFailed: flooder.floodsFailed,
      peerConnections: flooder.connectionsOpened,
      peersReachable: flooder.reachable,
      clients: store.size,
    }),
    peers: () => flooder.states(),
    async close() {
      await lines.close();
      await flooder.close();
      log.write('INFO', `${name} stopped`);
      await log.close();
    },
  };
}

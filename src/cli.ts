#!/usr/bin/env node
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatHelp, parseFlags, type FlagSpecs, type ParsedArgs } from './common/args.js';
import { badFlag, isPiblError } from './common/errors.js';
import { parseHostPort } from './common/host-port.js';
import { serviceAddress, type Service } from './common/service.js';
import { stopOnSignals } from './common/shutdown.js';
import { defaultIniText, defaultServersJson } from './config/default-ini.js';
import { loadConfig, type LoadOptions } from './config/load.js';
import type { Config } from './config/types.js';

/**
 * The `pibl` executable: parses arguments, loads the config, and calls one
 * start…() per command. Nothing else lives here. Each part is imported only
 * when its command runs, so that `pibl herd` listens fast and `pibl client`
 * starts in a blink.
 */
const COMMON: FlagSpecs = {
  config: { kind: 'string', value: 'FILE', help: 'config file (default ./parser.ini, then built-in defaults)' },
  host: { kind: 'string', value: 'H', help: 'listen address (gateway: 0.0.0.0; internal servers: 127.0.0.1)' },
  help: { kind: 'boolean', help: 'show this help' },
};
const GATEWAY_FLAGS: FlagSpecs = {
  ...COMMON,
  port: { kind: 'string', value: 'N', help: 'gateway port (8080)' },
  strategy: { kind: 'string', value: 'S', help: 'round_robin | priority | weighted | least_loaded' },
  'log-format': { kind: 'string', value: 'F', help: 'text (the original access lines) | json' },
  'log-file': { kind: 'string', value: 'F', help: 'also append log lines to F' },
  quiet: { kind: 'boolean', help: 'no access log lines' },
};

interface Command {
  usage: string;
  summary: string;
  flags: FlagSpecs;
  run(args: ParsedArgs): Promise<Service[] | number>;
}

const str = (args: ParsedArgs, name: string) => args.flags[name] as string | undefined;

/** Loaded once per command run (each command maps one fixed set of flags), so the drain bound read after start comes from the same Config, not a second read of the file. */
const loaded = new WeakMap<ParsedArgs, Config>();

function configFrom(args: ParsedArgs, flagKeys: Record<string, string> = {}): Config {
  const cached = loaded.get(args);
  if (cached) return cached;
  const config = loadConfigFor(args, flagKeys);
  loaded.set(args, config);
  return config;
}

function loadConfigFor(args: ParsedArgs, flagKeys: Record<string, string>): Config {
  const flags: NonNullable<LoadOptions['flags']> = {};
  for (const [flag, key] of Object.entries(flagKeys)) {
    const value = args.flags[flag];
    if (value !== undefined) flags[key] = { value: String(value), flag: `--${flag}` };
  }
  return loadConfig({ file: str(args, 'config'), flags });
}

const gatewayFlagKeys = {
  host: 'host',
  port: 'port',
  strategy: 'balancer.strategy',
  'log-format': 'log_format',
  'log-file': 'log_file',
  quiet: 'quiet',
};

function intFlag(args: ParsedArgs, name: string, command: string, fallback?: number): number {
  const value = str(args, name);
  if (value === undefined) {
    if (fallback === undefined) throw badFlag(`pibl ${command}: --${name} is required`);
    return fallback;
  }
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw badFlag(`pibl ${command}: --${name} "${value}": allowed: a port from 0 to 65535`);
  return Number(value);
}

function numberFlag(args: ParsedArgs, name: string, command: string, fallback: number, min: number): number {
  const value = str(args, name);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min) throw badFlag(`pibl ${command}: --${name} "${value}": allowed: a number >= ${min}`);
  return n;
}

const COMMANDS: Record<string, Command> = {
  up: {
    usage: 'pibl up [--config FILE] [--port N] [--host H]',
    summary: 'The whole stack, wired: 3 demo backends, the gateway, the kv origin, 3 kv nodes, the kv balancer and the 5 herd servers.',
    flags: GATEWAY_FLAGS,
    run: async (args) => (await import('./stack/up.js')).startStack(configFrom(args, gatewayFlagKeys)),
  },
  gateway: {
    usage: 'pibl gateway [--config FILE] [--port N] [--host H]',
    summary: 'The HTTP front end alone: reverse proxy, load balancer, response cache, adapters, metrics and dashboard.',
    flags: GATEWAY_FLAGS,
    run: async (args) => [await (await import('./gateway/start.js')).startGateway(configFrom(args, gatewayFlagKeys))],
  },
  backend: {
    usage: 'pibl backend --port N [--name NAME] [--host H] [--data DIR]',
    summary: "A demo HTTP backend: the seed's form page, the origin's JSON over HTTP (GET /article/1), /health.",
    flags: {
      ...COMMON,
      port: { kind: 'string', value: 'N', help: 'listen port (required)' },
      name: { kind: 'string', value: 'NAME', help: 'name sent in X-Backend (default backend-PORT)' },
      data: { kind: 'string', value: 'DIR', help: 'JSON data folder (default: the shipped origin/data)' },
    },
    run: async (args) => {
      const config = configFrom(args);
      const port = intFlag(args, 'port', 'backend');
      return [
        await (await import('./backend/start.js')).startBackend({
          host: str(args, 'host') ?? '127.0.0.1',
          port,
          name: str(args, 'name') ?? `backend-${port}`,
          dataDir: str(args, 'data') ? resolve(str(args, 'data')!) : config.kv.dataDir,
        }),
      ];
    },
  },
  origin: {
    usage: 'pibl origin [--port 8000] [--host H] [--data DIR]',
    summary: 'The kv origin server: GET resource/key reads <data>/<resource><key>.json.',
    flags: {
      ...COMMON,
      port: { kind: 'string', value: 'N', help: 'listen port (8000)' },
      data: { kind: 'string', value: 'DIR', help: 'data folder (default: the shipped origin/data)' },
    },
    run: async (args) => {
      const config = configFrom(args);
      return [
        await (await import('./kv/origin.js')).startOrigin({
          host: str(args, 'host') ?? config.kv.origin.host,
          port: intFlag(args, 'port', 'origin', config.kv.origin.port),
          dataDir: str(args, 'data') ? resolve(str(args, 'data')!) : config.kv.dataDir,
        }),
      ];
    },
  },
  node: {
    usage: 'pibl node --port N [--origin_host H] [--origin_port 8000] [--cache_type ttl|lru] [--ttl S] [--lru_capacity N]',
    summary: 'A kv caching proxy node in front of the origin.',
    flags: {
      ...COMMON,
      port: { kind: 'string', value: 'N', help: 'listen port (required; not the origin port)' },
      origin_host: { kind: 'string', value: 'H', help: 'origin host (127.0.0.1)' },
      origin_port: { kind: 'string', value: 'N', help: 'origin port (8000)' },
      cache_type: { kind: 'string', value: 'ttl|lru', help: 'cache kind (ttl)' },
      ttl: { kind: 'string', value: 'S', help: 'seconds an entry lives in the ttl cache (30)' },
      lru_capacity: { kind: 'string', value: 'N', help: 'entries the lru cache keeps (100)' },
    },
    run: async (args) => {
      const config = configFrom(args);
      const cacheType = str(args, 'cache_type') ?? config.kv.cacheType;
      if (cacheType !== 'ttl' && cacheType !== 'lru') throw badFlag(`pibl node: --cache_type "${cacheType}": allowed: ttl | lru`);
      const port = intFlag(args, 'port', 'node');
      const originPort = intFlag(args, 'origin_port', 'node', config.kv.origin.port);
      if (port !== 0 && port === originPort) throw badFlag(`pibl node: --port ${port} is the origin's port; pick another`);
      return [
        await (await import('./kv/node.js')).startNode({
          host: str(args, 'host') ?? '127.0.0.1',
          port,
          originHost: str(args, 'origin_host') ?? config.kv.origin.host,
          originPort,
          cacheType,
          ttlSeconds: numberFlag(args, 'ttl', 'node', config.kv.ttl, 0),
          lruCapacity: Math.floor(numberFlag(args, 'lru_capacity', 'node', config.kv.lruCapacity, 1)),
        }),
      ];
    },
  },
  lb: {
    usage: 'pibl lb --port 9000 --proxies H:P H:P ... [--strategy round_robin|least_loaded]',
    summary: 'The kv load balancer: forwards each request line to a healthy node, polls METRICS every 2 s.',
    flags: {
      ...COMMON,
      port: { kind: 'string', value: 'N', help: 'listen port (9000)' },
      proxies: { kind: 'many', value: 'H:P ...', help: 'the nodes (default: [kv] nodes of the config)' },
      strategy: { kind: 'string', value: 'S', help: 'round_robin | least_loaded' },
    },
    run: async (args) => {
      const config = configFrom(args);
      const strategy = str(args, 'strategy') ?? config.kv.strategy;
      if (strategy !== 'round_robin' && strategy !== 'least_loaded') throw badFlag(`pibl lb: --strategy "${strategy}": allowed: round_robin | least_loaded`);
      const proxies = (args.flags.proxies as string[] | undefined)?.map((p) => {
        try {
          return parseHostPort(p);
        } catch {
          throw badFlag(`pibl lb: --proxies "${p}": allowed: host:port`);
        }
      });
      return [
        await (await import('./kv/balancer.js')).startBalancer({
          host: str(args, 'host') ?? config.kv.balancer.host,
          port: intFlag(args, 'port', 'lb', config.kv.balancer.port),
          proxies: proxies ?? config.kv.nodes,
          strategy,
          pollIntervalMs: config.kv.pollIntervalMs,
        }),
      ];
    },
  },
  client: {
    usage: 'pibl client [--host H] --port 9000 (--get PATH | --metrics)',
    summary: 'One kv request; prints the JSON answer with latency_ms. Exit 0 on OK, 1 otherwise.',
    flags: {
      ...COMMON,
      port: { kind: 'string', value: 'N', help: 'port of a balancer, node or origin (9000)' },
      get: { kind: 'string', value: 'PATH', help: 'resource/key to GET, e.g. article/1' },
      metrics: { kind: 'boolean', help: 'ask for METRICS' },
    },
    run: async (args) => {
      const config = configFrom(args);
      return (await import('./kv/client.js')).runClient({
        host: str(args, 'host') ?? config.kv.balancer.host,
        port: intFlag(args, 'port', 'client', config.kv.balancer.port),
        get: str(args, 'get'),
        metrics: args.flags.metrics === true,
        out: (text) => process.stdout.write(text),
        err: (text) => process.stderr.write(text),
      });
    },
  },
  herd: {
    usage: 'pibl herd NAME [--config FILE] [--host H]',
    summary: 'One herd server (NAME from the config: Riley, Jaquez, Juzang, Campbell, Bernard by default).',
    flags: { ...COMMON, port: { kind: 'string', value: 'N', help: "override the server's port" } },
    run: async (args) => {
      const config = configFrom(args);
      const name = args.positionals[0];
      const known = config.herd.servers.map((s) => s.name);
      if (!name || !known.includes(name)) throw badFlag(`pibl herd: ${name ? `unknown server "${name}"` : 'NAME is required'} (allowed: ${known.join(', ')})`);
      const herd = { ...config.herd, host: str(args, 'host') ?? config.herd.host };
      const port = str(args, 'port') === undefined ? undefined : intFlag(args, 'port', 'herd');
      return [await (await import('./herd/server.js')).startHerdServer({ name, herd, ...(port === undefined ? {} : { port }) })];
    },
  },
  init: {
    usage: 'pibl init [FILE] [--force] [--servers FILE]',
    summary: 'Writes a parser.ini with every key at its default (and, with --servers, the JSON server list).',
    flags: {
      help: COMMON.help!,
      force: { kind: 'boolean', help: 'overwrite existing files' },
      servers: { kind: 'string', value: 'FILE', help: 'also write the seed-compatible JSON server list to FILE' },
    },
    run: async (args) => {
      const targets: [string, string][] = [[resolve(args.positionals[0] ?? 'parser.ini'), defaultIniText()]];
      if (str(args, 'servers')) targets.push([resolve(str(args, 'servers')!), defaultServersJson()]);
      for (const [file] of targets) {
        if (existsSync(file) && args.flags.force !== true) throw badFlag(`pibl init: ${file} exists; use --force to overwrite`);
      }
      for (const [file, text] of targets) {
        writeFileSync(file, text);
        process.stdout.write(`wrote ${file}\n`);
      }
      return 0;
    },
  },
  bench: {
    usage: 'pibl bench [--quick] [--json] [--only NAMES]',
    summary: 'The load tests of bench/: direct, gateway miss and hit, nginx when installed, kv and herd.',
    flags: {
      help: COMMON.help!,
      quick: { kind: 'boolean', help: 'short rounds (under a minute)' },
      json: { kind: 'boolean', help: 'print the results as JSON' },
      only: { kind: 'string', value: 'NAMES', help: 'comma-separated scenario names' },
      rounds: { kind: 'string', value: 'N', help: 'interleaved rounds per scenario' },
      connections: { kind: 'string', value: 'N', help: 'concurrent connections' },
    },
    run: async (args) => (await import('./bench/run.js')).runBench(args.flags),
  },
};

function topHelp(): string {
  const rows = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `pibl: a reverse proxy with load balancing and a response cache, a kv caching cluster and a proxy herd.\n\nUsage: pibl <command> [flags]   (pibl <command> --help for its flags)\n\nCommands:\n${rows.join('\n')}\n`;
}

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(topHelp());
    return;
  }
  const command = COMMANDS[name];
  if (!command) throw badFlag(`pibl: unknown command "${name}" (commands: ${Object.keys(COMMANDS).join(', ')})`);
  const args = parseFlags(rest, command.flags, name);
  if (args.flags.help) {
    process.stdout.write(formatHelp(command.usage, command.summary, command.flags));
    return;
  }
  const result = await command.run(args);
  if (typeof result === 'number') {
    process.exitCode = result;
    return;
  }
  const drainMs = name === 'up' || name === 'gateway' ? configFrom(args, gatewayFlagKeys).gateway.drainTimeoutMs : 5_000;
  // Handlers first: a supervisor may signal as soon as it reads the address.
  stopOnSignals(() => result, drainMs);
  for (const service of result) process.stdout.write(`pibl ${service.name} listening on ${serviceAddress(service)}\n`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  // One clear line: coded errors are the user's to fix; anything else is ours.
  const message = isPiblError(err) ? err.message : `pibl: unexpected error: ${(err as Error)?.stack ?? String(err)}`;
  process.stderr.write(`${message}\n`);
  process.exit(isPiblError(err) && err.code === 'PIBL_ERR_BAD_FLAG' ? 2 : 1);
});

import { DEFAULT_BACKENDS, DEFAULT_HERD, KEYS } from './schema.js';

/** The text `pibl init` writes: every key at its default, with what it means. */
export function defaultIniText(): string {
  const lines: string[] = ['; pibl configuration (see README "Configuration"). Flags > PIBL_* environment > this file > defaults.', ''];
  const sections = [...new Set(KEYS.map((s) => s.section))];
  for (const section of sections) {
    if (section) lines.push('', `[${section}]`);
    else lines.push('; gateway (section-less keys keep the layout that parser.py wrote)');
    for (const spec of KEYS.filter((s) => s.section === section)) {
      const entry = spec.default === '' && spec.section === 'grpc' ? `; ${spec.key} = 50051` : `${spec.key} = ${spec.default}`;
      lines.push(`${entry.padEnd(34)} ; ${spec.doc}`);
      if (section === '' && spec.key === 'ttl') {
        DEFAULT_BACKENDS.forEach((addr, i) => lines.push(`${`ip_server${i + 1} = ${addr}`.padEnd(34)} ; backend: host or host:port (bare host = port 8080)`));
      }
    }
    if (section === 'herd') {
      for (const server of DEFAULT_HERD) {
        lines.push('', `[herd.${server.name}]`, `port = ${server.port}`, `neighbors = ${server.neighbors.join(', ')}`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The seed's JSON server list for `pibl init --servers`. */
export function defaultServersJson(): string {
  const servers = DEFAULT_BACKENDS.map((addr, i) => {
    const [address, port] = addr.split(':');
    return { priority: i, name: `server${i + 1}`, address, port: Number(port), load: 1 };
  });
  return `${JSON.stringify({ heartbeatInterval: 10, heartbeatTimeout: 5, servers }, null, 2)}\n`;
}

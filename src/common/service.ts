/**
 * What every start…() returns: a running part that can say where it listens
 * and stop gracefully (stop accepting, finish in-flight work within its
 * drain bound, release every socket and timer).
 */
export interface Service {
  /** "gateway", "kv origin", "herd Riley", ... */
  readonly name: string;
  readonly host: string;
  /** The bound port (useful when 0 was asked for). */
  readonly port: number;
  close(): Promise<void>;
}

export const serviceAddress = (s: Pick<Service, 'host' | 'port'>) =>
  s.host.includes(':') ? `[${s.host}]:${s.port}` : `${s.host}:${s.port}`;

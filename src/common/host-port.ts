import { badConfig } from './errors.js';

export interface HostPort {
  host: string;
  port: number;
}

/**
 * Parses `host`, `host:port` or `[v6]:port`. A bare host takes `defaultPort`
 * (the original parser.ini listed bare hosts whose backends listened on 8080).
 */
export function parseHostPort(text: string, defaultPort?: number): HostPort {
  const value = text.trim();
  let host = value;
  let portText: string | undefined;
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(value);
  if (v6) {
    host = v6[1]!;
    portText = v6[2];
  } else {
    const colon = value.lastIndexOf(':');
    if (colon !== -1 && value.indexOf(':') === colon) {
      host = value.slice(0, colon);
      portText = value.slice(colon + 1);
    }
  }
  if (!host || /\s/.test(host)) throw badConfig(`"${text}" is not host or host:port`);
  if (portText === undefined) {
    if (defaultPort === undefined) throw badConfig(`"${text}" needs a port (host:port)`);
    return { host, port: defaultPort };
  }
  return { host, port: parsePort(portText, text) };
}

export function parsePort(text: string, what = text): number {
  if (!/^\d+$/.test(text.trim())) throw badConfig(`"${what}" has an invalid port (allowed: 1-65535)`);
  const port = Number(text);
  if (port < 1 || port > 65535) throw badConfig(`"${what}" has an invalid port (allowed: 1-65535)`);
  return port;
}

export const formatHostPort = ({ host, port }: HostPort) => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

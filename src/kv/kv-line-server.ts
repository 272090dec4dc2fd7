import { startLineServer, type LineServer, type LineServerOptions } from '../common/line-server.js';
import { badRequest } from './protocol.js';

/**
 * The line server as origin, node and balancer all run it: a line over the
 * limit, an idle connection and a handler that fails are each answered with
 * BAD_REQUEST (SPEC §3) before the connection closes or the next line.
 */
export function startKvLineServer(
  options: Pick<LineServerOptions, 'name' | 'host' | 'port' | 'idleTimeoutMs' | 'maxLineBytes' | 'handle'>,
): Promise<LineServer> {
  return startLineServer({
    ...options,
    onLineTooLong: () => badRequest('line longer than the limit'),
    onIdle: () => badRequest('idle timeout'),
    onHandlerError: () => badRequest('request could not be handled'),
  });
}

import type { Server } from 'node:net';
import { PiblError, portInUse } from './errors.js';

/**
 * Listens and resolves with the bound port; a taken port becomes a
 * PIBL_ERR_PORT_IN_USE naming the port and the part that wanted it.
 */
export function listen(server: Server, host: string, port: number, what: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (err.code === 'EADDRINUSE') reject(portInUse(host, port, what));
      else reject(new PiblError('PIBL_ERR_LISTEN', `${what}: cannot listen on ${host}:${port}: ${err.message}`, { cause: err }));
    };
    const onListening = () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ host, port });
  });
}

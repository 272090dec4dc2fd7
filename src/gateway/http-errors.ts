import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { GatewayError } from './errors.js';

/**
 * What the adapters share: every answer that is not a success is a
 * GatewayError's JSON `{ error: { code, message } }`, including Fastify's own
 * (unknown route, body too large, wrong content type, bad JSON).
 */
export const badRequest = (message: string) => new GatewayError(400, 'PIBL_ERR_BAD_REQUEST', message);
export const notFound = (message: string) => new GatewayError(404, 'PIBL_ERR_NOT_FOUND', message);

export function sendError(reply: FastifyReply, err: GatewayError): FastifyReply {
  return reply.code(err.status).header('cache-control', 'no-store').send(err.toJSON());
}

/** Fastify's errors (content-type parsing, body limit, bad JSON) as the gateway's codes. */
function fromFastify(err: FastifyError): GatewayError {
  if (err instanceof GatewayError) return err;
  const status = err.statusCode ?? 500;
  if (status === 413) return new GatewayError(413, 'PIBL_ERR_PAYLOAD_TOO_LARGE', 'request body too large');
  if (status === 415) return new GatewayError(415, 'PIBL_ERR_UNSUPPORTED_MEDIA_TYPE', 'unsupported content type (allowed: application/json, text/plain)');
  if (status >= 400 && status < 500) return badRequest(err.message);
  return new GatewayError(500, 'PIBL_ERR_INTERNAL', 'internal error');
}

/**
 * JSON 404 and error answers for everything under the plugin's prefix.
 * Both handlers are encapsulated by prefix, so no other route sees them.
 */
export function useJsonErrors(app: FastifyInstance, what: string): void {
  app.setNotFoundHandler((request, reply) => sendError(reply, notFound(`${what}: no route for ${request.method} ${request.url.split('?')[0]}`)));
  app.setErrorHandler((err: FastifyError, _request, reply) => sendError(reply, fromFastify(err)));
}

const METHODS: HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];

/**
 * 405 with `Allow` for every other method on `url` (HEAD comes with GET).
 * Answered in onRequest, before any body is parsed, so a wrong method is
 * a 405 whatever its body and content type.
 */
export function refuseOtherMethods(app: FastifyInstance, url: string, allowed: HTTPMethods[]): void {
  const allow = allowed.includes('GET') ? [...allowed, 'HEAD' as const] : allowed;
  const refuse = (request: FastifyRequest, reply: FastifyReply) =>
    sendError(
      reply.header('allow', allow.join(', ')),
      new GatewayError(405, 'PIBL_ERR_METHOD_NOT_ALLOWED', `${request.method} is not allowed here (allowed: ${allow.join(', ')})`),
    );
  app.route({
    method: METHODS.filter((m) => !allow.includes(m)),
    url,
    onRequest: async (request, reply) => refuse(request, reply),
    handler: async (request, reply) => refuse(request, reply),
  });
}

/**
 * The path segments after `prefix` in the raw URL, each percent-decoded;
 * undefined when one is not valid percent-encoding. Working on the raw URL
 * keeps an encoded `/` (`..%2F..`) inside its segment, where the name
 * validators refuse it.
 */
export function segmentsAfter(url: string, prefix: string): string[] | undefined {
  const path = url.split('?', 1)[0]!.slice(prefix.length + 1);
  try {
    return path.split('/').map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}

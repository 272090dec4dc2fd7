import type { FastifyInstance, FastifyReply } from 'fastify';
import { LineClientError, type LineClient } from '../../common/line-client.js';
import { decodeAnswer, isValidName, KV_STATUS, parseKvRequest, type KvAnswer } from '../../kv/protocol.js';
import { badGateway, gatewayTimeout, GatewayError } from '../errors.js';
import { badRequest, notFound, refuseOtherMethods, segmentsAfter, sendError, useJsonErrors } from './http-errors.js';

export interface KvRoutesOptions {
  /** `/kv` by default ([gateway] kv_prefix). */
  prefix: string;
  /** Pooled connections to the kv balancer, reused across requests. */
  balancer: LineClient;
  /** "127.0.0.1:9000", for messages. */
  balancerAddress: string;
}

/** Cluster answers that mean "the cluster could not answer", not "you asked wrongly". */
const UNAVAILABLE = new Set<string>([KV_STATUS.PROXY_UNREACHABLE, KV_STATUS.NO_HEALTHY_PROXY, KV_STATUS.ORIGIN_FAILURE]);

/**
 * `GET <prefix>/<resource>/<key>` -> one `GET resource/key` line to the kv
 * balancer (SPEC §5); `GET <prefix>/-/metrics` -> its METRICS. Names are
 * checked with the kv protocol's own validator before anything is sent.
 */
export async function kvRoutes(app: FastifyInstance, options: KvRoutesOptions): Promise<void> {
  const { prefix, balancer } = options;

  /** One line to the balancer; its decoded answer, or the GatewayError saying why there is none. */
  const ask = async (line: string): Promise<KvAnswer> => {
    let text: string;
    try {
      text = await balancer.request(line);
    } catch (err) {
      const reason = err instanceof LineClientError ? err.reason : 'closed';
      if (reason === 'timeout') throw gatewayTimeout(`kv balancer ${options.balancerAddress} did not answer in time`);
      throw badGateway(`kv balancer ${options.balancerAddress} unreachable: ${(err as Error).message}`, err);
    }
    const answer = decodeAnswer(text);
    if (!answer) throw badGateway(`kv balancer ${options.balancerAddress} answered something that is not a kv answer`);
    return answer;
  };

  const fail = (reply: FastifyReply, err: unknown) => {
    if (err instanceof GatewayError) return sendError(reply, err);
    throw err;
  };

  await app.register(
    async (kv) => {
      useJsonErrors(kv, 'kv');

      kv.get('/-/metrics', async (_request, reply) => {
        try {
          const answer = await ask('METRICS');
          if (answer.status !== KV_STATUS.OK) return sendError(reply, badGateway(`kv balancer answered ${answer.status}`));
          return reply.header('cache-control', 'no-store').send(answer);
        } catch (err) {
          return fail(reply, err);
        }
      });
      refuseOtherMethods(kv, '/-/metrics', ['GET']);

      // A wildcard rather than `/:resource/:key`: the path is split from the raw
      // URL, so an encoded separator stays inside the name it was smuggled into.
      kv.get('/*', async (request, reply) => {
        const segments = segmentsAfter(request.url, prefix);
        if (!segments) return sendError(reply, badRequest('kv: the path is not valid percent-encoding'));
        if (segments.length !== 2) return sendError(reply, badRequest(`kv: expected ${prefix}/<resource>/<key>, e.g. ${prefix}/article/1`));
        const [resource, key] = segments as [string, string];
        const parsed = isValidName(resource) && isValidName(key) ? parseKvRequest(`GET ${resource}/${key}`) : undefined;
        if (parsed?.kind !== 'get') {
          return sendError(reply, badRequest('kv: resource and key may hold only letters, digits, "-", "_" and "." (not "..")'));
        }
        try {
          const answer = await ask(`GET ${parsed.path}`);
          if (answer.status === KV_STATUS.OK) return reply.send(answer);
          if (answer.status === KV_STATUS.NOT_FOUND) return sendError(reply, notFound(`kv: ${parsed.path} not found`));
          const detail = typeof answer.error === 'string' ? `: ${answer.error}` : '';
          if (UNAVAILABLE.has(answer.status)) {
            return sendError(reply, badGateway(`kv cluster answered ${answer.status}${detail}`));
          }
          return sendError(reply, badRequest(`kv cluster answered ${answer.status}${detail}`));
        } catch (err) {
          return fail(reply, err);
        }
      });
      refuseOtherMethods(kv, '/*', ['GET']);
    },
    { prefix },
  );
}

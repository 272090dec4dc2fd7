import type { FastifyInstance } from 'fastify';
import { LineClientError, type LineClient } from '../../common/line-client.js';
import { decodeAnswer, isValidName, KV_STATUS, parseKvRequest, type KvAnswer } from '../../kv/protocol.js';
import { badGateway, gatewayTimeout } from '../errors.js';
import { badRequest, notFound, refuseOtherMethods, segmentsAfter, useJsonErrors } from '../http-errors.js';

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

  await app.register(
    async (kv) => {
      useJsonErrors(kv, 'kv');

      // A GatewayError thrown here becomes its JSON answer (useJsonErrors).
      kv.get('/-/metrics', async (_request, reply) => {
        const answer = await ask('METRICS');
        if (answer.status !== KV_STATUS.OK) throw badGateway(`kv balancer answered ${answer.status}`);
        return reply.header('cache-control', 'no-store').send(answer);
      });
      refuseOtherMethods(kv, '/-/metrics', ['GET']);

      // A wildcard rather than `/:resource/:key`: the path is split from the raw
      // URL, so an encoded separator stays inside the name it was smuggled into.
      kv.get('/*', async (request, reply) => {
        const segments = segmentsAfter(request.url, prefix);
        if (!segments) throw badRequest('kv: the path is not valid percent-encoding');
        if (segments.length !== 2) throw badRequest(`kv: expected ${prefix}/<resource>/<key>, e.g. ${prefix}/article/1`);
        const [resource, key] = segments as [string, string];
        const parsed = isValidName(resource) && isValidName(key) ? parseKvRequest(`GET ${resource}/${key}`) : undefined;
        if (parsed?.kind !== 'get') {
          throw badRequest('kv: resource and key may hold only letters, digits, "-", "_" and "." (not "..")');
        }
        const answer = await ask(`GET ${parsed.path}`);
        if (answer.status === KV_STATUS.OK) return reply.send(answer);
        if (answer.status === KV_STATUS.NOT_FOUND) throw notFound(`kv: ${parsed.path} not found`);
        const detail = typeof answer.error === 'string' ? `: ${answer.error}` : '';
        if (UNAVAILABLE.has(answer.status)) throw badGateway(`kv cluster answered ${answer.status}${detail}`);
        throw badRequest(`kv cluster answered ${answer.status}${detail}`);
      });
      refuseOtherMethods(kv, '/*', ['GET']);
    },
    { prefix },
  );
}

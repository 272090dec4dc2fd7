import type { FastifyInstance } from 'fastify';
import { fetchClientReport, parseAtAnswer, sendHerdLine } from '../../herd/client.js';
import { splitWhatsatAnswer } from '../../herd/messages.js';
import type { ClientReport } from '../../herd/types.js';
import { badGateway, gatewayTimeout, type GatewayError } from '../errors.js';
import { iamatFromJson, iamatFromText, isClientName, whatsatFromQuery, type HerdLine } from './herd-input.js';
import { tcpProbe, type HerdTarget } from './herd-targets.js';
import { badRequest, notFound, refuseOtherMethods, useJsonErrors } from '../http-errors.js';

export interface HerdRoutesOptions {
  /** `/herd` by default ([gateway] herd_prefix). */
  prefix: string;
  targets: Map<string, HerdTarget>;
  /** Bound on one exchange with a herd server. */
  timeoutMs: number;
  /** Largest IAMAT body; default 4 KiB (a herd line is a few hundred bytes). */
  bodyLimit?: number;
}

/** A report as the adapter answers it: the AT line's fields, and the line. */
const reportJson = (r: ClientReport) => ({ server: r.server, diff: r.diff, client: r.client, location: r.location, time: r.time, line: r.at });

/** Why a herd exchange failed, as an HTTP answer. */
function unreachable(target: HerdTarget, err: unknown): GatewayError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ETIMEDOUT') return gatewayTimeout(`herd ${target.name} did not answer in time`, err);
  return badGateway(`herd ${target.name} (${target.host}:${target.port}) unreachable: ${code ?? (err as Error).message}`, err);
}

/** The herd's `?` answer, quoted back to the client. */
const rejected = (target: HerdTarget, answer: string) =>
  badRequest(`herd ${target.name} answered: ${answer.trimEnd().split('\n', 1)[0]!.slice(0, 512)}`);

/**
 * The herd on HTTP (SPEC §5): IAMAT as JSON or a raw line, WHATSAT as a
 * query, a client's last report, and the herd's status for the dashboard.
 * Its content-type parsers and body limit are its own (encapsulated).
 */
export async function herdRoutes(app: FastifyInstance, options: HerdRoutesOptions): Promise<void> {
  const { targets, timeoutMs } = options;
  const bodyLimit = options.bodyLimit ?? 4096;

  // One connection per exchange, on purpose: the original grading script stops
  // a herd server by killing every process connected to its port, and a pooled
  // connection would make that the gateway (SPEC §4 keeps peer links short for
  // the same reason). On loopback the handshake is small next to a flood or a
  // places look-up.
  const exchange = async (target: HerdTarget, line: string): Promise<string> => {
    try {
      return await sendHerdLine({ host: target.host, port: target.port, timeoutMs }, line);
    } catch (err) {
      throw unreachable(target, err);
    }
  };

  await app.register(
    async (herd) => {
      useJsonErrors(herd, 'herd');
      herd.removeAllContentTypeParsers();
      herd.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit }, (_request, body, done) => {
        try {
          done(null, JSON.parse(body as string));
        } catch {
          done(badRequest('herd: the body is not valid JSON'), undefined);
        }
      });
      herd.addContentTypeParser('text/plain', { parseAs: 'string', bodyLimit }, (_request, body, done) => done(null, body));

      const targetOf = (request: { params: unknown }): HerdTarget => {
        const name = (request.params as { server: string }).server;
        const target = targets.get(name);
        if (!target) throw notFound(`herd: no server "${name}" (servers: ${[...targets.keys()].join(', ')})`);
        return target;
      };
      const lineOr400 = (input: HerdLine): string => {
        if ('error' in input) throw badRequest(`herd: ${input.error}`);
        return input.line;
      };

      herd.get('/-/status', async (_request, reply) => {
        const servers = await Promise.all(
          [...targets.values()].map(async (t) => {
            const counters = t.service?.counters() ?? null;
            return {
              name: t.name,
              address: `${t.host}:${t.port}`,
              neighbors: t.neighbors,
              // In process, the server runs as long as the gateway does; otherwise a connect says.
              up: t.service ? true : await tcpProbe(t.host, t.port, Math.min(timeoutMs, 500)),
              clients: counters?.clients ?? null,
              counters,
              peers: t.service?.peers() ?? null,
            };
          }),
        );
        return reply.header('cache-control', 'no-store').send({ servers });
      });
      refuseOtherMethods(herd, '/-/status', ['GET']);

      herd.post('/:server/iamat', { bodyLimit }, async (request, reply) => {
        const target = targetOf(request);
        const type = request.headers['content-type'] ?? '';
        const line = lineOr400(/^text\/plain\b/i.test(type) ? iamatFromText(request.body) : iamatFromJson(request.body));
        const answer = await exchange(target, line);
        const at = parseAtAnswer(answer);
        if (at) return reply.send(reportJson(at));
        if (answer.startsWith('?')) throw rejected(target, answer);
        throw badGateway(`herd ${target.name} gave no AT answer`);
      });
      refuseOtherMethods(herd, '/:server/iamat', ['POST']);

      herd.get('/:server/whatsat', async (request, reply) => {
        const target = targetOf(request);
        const answer = await exchange(target, lineOr400(whatsatFromQuery(request.query)));
        const split = splitWhatsatAnswer(answer);
        if (split) return reply.send(split);
        if (answer.startsWith('?')) throw rejected(target, answer);
        throw badGateway(`herd ${target.name} gave no WHATSAT answer`);
      });
      refuseOtherMethods(herd, '/:server/whatsat', ['GET']);

      herd.get('/:server/clients/*', async (request, reply) => {
        const target = targetOf(request);
        const client = (request.params as { '*': string })['*'];
        if (!isClientName(client)) throw badRequest('herd: a client name has no spaces or control characters');
        // In process the store answers directly; over TCP, WHATSAT's first line is the stored report.
        let report: ClientReport | undefined;
        if (target.service) report = target.service.lookup(client);
        else {
          try {
            report = await fetchClientReport({ host: target.host, port: target.port, timeoutMs }, client);
          } catch (err) {
            throw unreachable(target, err);
          }
        }
        if (!report) throw notFound(`herd ${target.name} has no report of "${client}"`);
        return reply.send(reportJson(report));
      });
      refuseOtherMethods(herd, '/:server/clients/*', ['GET']);
    },
    { prefix: options.prefix },
  );
}

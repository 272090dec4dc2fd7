import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { fetchClientReport, parseAtAnswer, sendHerdLine } from '../../src/herd/client.js';
import { formatIamat, formatWhatsat, splitWhatsatAnswer } from '../../src/herd/messages.js';
import { freePorts, HOST, posixNow, startHerd, uniqueClient, type Herd } from './helpers.js';

/** What the gateway's HTTP adapter will call (SPEC §5): one line over TCP, or the in-process store. */
let herd: Herd;
before(async () => {
  herd = await startHerd({ names: ['Riley'] });
});
after(() => herd.close());

const target = () => ({ host: HOST, port: herd.get('Riley').port, timeoutMs: 30_000 });

test('sendHerdLine + parseAtAnswer: an IAMAT from JSON fields gives the AT fields', async () => {
  const client = `adapter-é-${uniqueClient()}`;
  const time = posixNow();
  const answer = await sendHerdLine(target(), formatIamat(client, '+34.068930-118.445127', time));
  const at = parseAtAnswer(answer);
  assert.ok(at, answer);
  assert.equal(at.server, 'Riley');
  assert.equal(at.client, client);
  assert.equal(at.location, '+34.068930-118.445127');
  assert.equal(at.time, time);
  assert.match(at.diff, /^[+-]\d+\.\d{9}$/);
  assert.equal(at.at, answer.trimEnd());
});

test('an invalid line gives undefined from parseAtAnswer', async () => {
  assert.equal(parseAtAnswer(await sendHerdLine(target(), 'IAMAT x y z')), undefined);
});

test('WHATSAT through sendHerdLine splits into { at, places }', async () => {
  const client = uniqueClient();
  await sendHerdLine(target(), formatIamat(client, '+34.068930-118.445127', posixNow()));
  const split = splitWhatsatAnswer(await sendHerdLine(target(), formatWhatsat(client, 10, 5)));
  assert.ok(split);
  assert.match(split.at, new RegExp(`^AT Riley \\S+ ${client} `));
  assert.equal(split.places.results.length, 5);
});

test('the last known report: in process with lookup(), over TCP with fetchClientReport()', async () => {
  const client = `ünïcode-${uniqueClient()}`;
  const at = parseAtAnswer(await sendHerdLine(target(), formatIamat(client, '+1.5-2.5', posixNow())));
  assert.ok(at);
  const local = herd.get('Riley').lookup(client);
  assert.deepEqual(local, at);
  assert.deepEqual(await fetchClientReport(target(), client), at);
  assert.equal(herd.get('Riley').lookup('nobody-knows'), undefined);
  assert.equal(await fetchClientReport(target(), 'nobody-knows'), undefined);
  assert.ok(herd.get('Riley').reports().some((r) => r.client === client));
});

test('counters count messages by kind', async () => {
  const before = herd.get('Riley').counters();
  await sendHerdLine(target(), formatIamat(uniqueClient(), '+1+1', posixNow()));
  await sendHerdLine(target(), 'nonsense');
  const after = herd.get('Riley').counters();
  assert.equal(after.received.IAMAT, before.received.IAMAT + 1);
  assert.equal(after.received.invalid, before.received.invalid + 1);
  assert.equal(after.clients, before.clients + 1);
  // Riley's neighbours are not running here.
  assert.equal(after.peersReachable, 0);
  assert.ok(after.floodsFailed > before.floodsFailed);
});

test('sendHerdLine rejects when nothing listens', async () => {
  const [port] = await freePorts(1);
  await assert.rejects(sendHerdLine({ host: HOST, port: port!, timeoutMs: 1_000 }, 'IAMAT a +1+1 1'));
});

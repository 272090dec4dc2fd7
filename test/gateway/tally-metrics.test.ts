import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { TalliedCounter, TalliedHistogram } from '../../src/common/tally-metrics.js';

test('tallied metrics expose the usual Prometheus text; a NaN or infinite observation is dropped, never poisoning the sum', async () => {
  const registry = new Registry();
  const counter = new TalliedCounter(registry, 't_requests_total', 'requests', ['route']);
  const histogram = new TalliedHistogram(registry, 't_seconds', 'seconds', 'route', [0.1, 1]);
  counter.inc('a', () => ({ route: 'a' }));
  counter.inc('a', () => ({ route: 'a' }));
  histogram.observe('a', 0.05);
  histogram.observe('a', 0.5);
  histogram.observe('a', 5);
  histogram.observe('a', Number.NaN);
  histogram.observe('a', Number.POSITIVE_INFINITY);
  const text = await registry.metrics();
  assert.match(text, /^t_requests_total\{route="a"\} 2$/m);
  assert.match(text, /^# TYPE t_seconds histogram$/m);
  assert.match(text, /^t_seconds_bucket\{le="0\.1",route="a"\} 1$/m);
  assert.match(text, /^t_seconds_bucket\{le="1",route="a"\} 2$/m);
  assert.match(text, /^t_seconds_bucket\{le="\+Inf",route="a"\} 3$/m);
  assert.match(text, /^t_seconds_sum\{route="a"\} 5\.55$/m);
  assert.match(text, /^t_seconds_count\{route="a"\} 3$/m);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWrkOutput } from '../../bench/wrk.js';

const OUTPUT = `Running 5s test @ http://127.0.0.1:40123/fixed/1k
  1 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.02ms  310.51us   9.87ms   91.20%
    Req/Sec    49.10k     2.01k   52.33k    78.00%
  Latency Distribution
     50%  812.00us
     75%    1.10ms
     90%    1.41ms
     99%    2.50ms
  244312 requests in 5.00s, 299.84MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:  48862.40
Transfer/sec:     59.97MB
`;

test('wrk --latency output: requests, req/s, p50/p99 in ms, errors summed', () => {
  assert.deepEqual(parseWrkOutput(OUTPUT), { requests: 244312, requestsPerSecond: 244312 / 5, p50Ms: 0.812, p99Ms: 2.5, errors: 7 });
});

test('wrk output without a latency distribution is an error, not zeros', () => {
  assert.throws(() => parseWrkOutput('unable to connect to 127.0.0.1:1 Connection refused\n'), /unreadable output/);
});

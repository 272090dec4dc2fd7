import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { statusName } from './status.js';

/** Distinct method labels kept; past it calls count as "other", so a client inventing paths cannot grow the registry. */
const MAX_METHODS = 200;

export class GrpcMetrics {
  private readonly calls: Counter<'method' | 'code'>;
  private readonly duration: Histogram<'method'>;
  private readonly inFlight: Gauge;
  private readonly methods = new Set<string>();

  constructor(registry: Registry) {
    this.calls = new Counter({
      name: 'pibl_grpc_calls_total',
      help: 'gRPC calls through the gateway by method and final status',
      labelNames: ['method', 'code'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'pibl_grpc_call_duration_seconds',
      help: 'gRPC call duration through the gateway, from request headers to trailers',
      labelNames: ['method'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers: [registry],
    });
    this.inFlight = new Gauge({
      name: 'pibl_grpc_calls_in_flight',
      help: 'gRPC calls through the gateway not finished yet',
      registers: [registry],
    });
  }

  started(): void {
    this.inFlight.inc();
  }

  /** A call is over (every started call ends here exactly once). */
  observe(path: string, code: number, seconds: number): void {
    this.inFlight.dec();
    const method = this.label(path);
    this.calls.inc({ method, code: statusName(code) });
    this.duration.observe({ method }, seconds);
  }

  private label(path: string): string {
    if (this.methods.has(path)) return path;
    if (this.methods.size >= MAX_METHODS || !/^\/[\w.]+\/\w+$/.test(path)) return 'other';
    this.methods.add(path);
    return path;
  }
}

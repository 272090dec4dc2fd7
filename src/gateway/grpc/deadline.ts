/**
 * The grpc-timeout header: at most 8 digits and a unit (gRPC over HTTP/2,
 * "Requests"). Parsed into milliseconds so the gateway can enforce it and
 * send what is left of it to the backend.
 */
const UNIT_MS: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 0.001, n: 0.000001 };

/** Milliseconds, or null when the header is absent or malformed (a malformed one is ignored, as grpc-js does). */
export function parseGrpcTimeout(value: string | string[] | undefined): number | null {
  const text = Array.isArray(value) ? value[0] : value;
  const match = text ? /^(\d{1,8})([HMSmun])$/.exec(text) : null;
  if (!match) return null;
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}

/** The remaining time as a grpc-timeout value, in the finest unit whose count fits in 8 digits. */
export function formatGrpcTimeout(ms: number): string {
  const remaining = Math.max(0, ms);
  for (const [unit, size] of [['m', 1], ['S', 1000], ['M', 60_000], ['H', 3_600_000]] as const) {
    const count = Math.ceil(remaining / size);
    if (count < 100_000_000) return `${count}${unit}`;
  }
  return '99999999H';
}

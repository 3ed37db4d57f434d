/**
 * Platform status: `GET /api/v2/status`. No Lit, no DOM beyond fetch, so the service worker and
 * tests can use it too.
 */

/** What the platform reports about itself. */
export interface PlatformStatus {
  name: string;
  version: string;
  domain_count: number;
  uptime_s: number;
}

/**
 * Why a status request failed:
 * - `network`: no HTTP response at all (offline, DNS, connection refused, CORS)
 * - `http`: a response with a non-2xx status (`status` says which)
 * - `invalid-response`: a 2xx response whose body is not the expected JSON
 * - `aborted`: the caller's AbortSignal fired
 */
export type StatusErrorKind = 'network' | 'http' | 'invalid-response' | 'aborted';

export class StatusError extends Error {
  override readonly name = 'StatusError';

  constructor(
    readonly kind: StatusErrorKind,
    message: string,
    /** HTTP status for `http` errors. */
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface StatusRequestOptions {
  /** Defaults to the global fetch; tests pass a fake. */
  fetch?: FetchLike;
  signal?: AbortSignal;
  /** Prefix for the API path, e.g. `https://pbx.example.com`; defaults to same origin. */
  baseUrl?: string;
}

export const STATUS_PATH = '/api/v2/status';

/** The function shape elements accept, so a fake can stand in for {@link fetchStatus}. */
export type StatusLoader = (options?: StatusRequestOptions) => Promise<PlatformStatus>;

/**
 * Fetches and validates the platform status.
 * @throws {StatusError} on any failure; never resolves with a half-valid object.
 */
export async function fetchStatus(options: StatusRequestOptions = {}): Promise<PlatformStatus> {
  // Wrapped rather than passed bare: calling window.fetch with another `this` throws
  // "Illegal invocation".
  const doFetch: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  let response: Response;
  try {
    response = await doFetch(`${options.baseUrl ?? ''}${STATUS_PATH}`, {
      // Without an explicit Accept, SPA dev/preview servers answer unknown paths with index.html.
      headers: { Accept: 'application/json' },
      signal: options.signal,
      cache: 'no-store',
    });
  } catch (err) {
    if (options.signal?.aborted) throw new StatusError('aborted', 'Status request was cancelled', undefined, { cause: err });
    throw new StatusError('network', 'The platform could not be reached', undefined, { cause: err });
  }

  if (!response.ok) {
    throw new StatusError('http', await httpErrorMessage(response), response.status);
  }

  let body: unknown;
  try {
    body = await response.json();
  } catch (err) {
    if (options.signal?.aborted) throw new StatusError('aborted', 'Status request was cancelled', undefined, { cause: err });
    throw new StatusError('invalid-response', 'The platform sent a status that is not JSON', undefined, { cause: err });
  }
  if (!isPlatformStatus(body)) {
    throw new StatusError('invalid-response', 'The platform sent a status in an unexpected shape');
  }
  return { name: body.name, version: body.version, domain_count: body.domain_count, uptime_s: body.uptime_s };
}

function isPlatformStatus(value: unknown): value is PlatformStatus {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.name === 'string' &&
    typeof v.version === 'string' &&
    Number.isInteger(v.domain_count) &&
    (v.domain_count as number) >= 0 &&
    typeof v.uptime_s === 'number' &&
    Number.isFinite(v.uptime_s) &&
    v.uptime_s >= 0
  );
}

/** Uses the API's `{code, message}` error body when there is one. */
async function httpErrorMessage(response: Response): Promise<string> {
  const fallback = `The platform answered HTTP ${response.status}`;
  try {
    const body: unknown = await response.json();
    if (typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string') {
      return `${fallback}: ${(body as { message: string }).message}`;
    }
  } catch {
    // Not JSON (a proxy's error page, for instance); the status code says enough.
  }
  return fallback;
}

/** "3 d 4 h", "2 h 5 min", "42 s": compact uptime for status displays. */
export function formatUptime(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3_600);
  const m = Math.floor((s % 3_600) / 60);
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min`;
  return `${s} s`;
}

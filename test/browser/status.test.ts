import { expect } from '@open-wc/testing';
import { fetchStatus, formatUptime, STATUS_PATH, StatusError, type FetchLike } from '../../src/data/status.js';

const GOOD = { name: 'switchboard', version: '0.1.0', domain_count: 2, uptime_s: 3725 };

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

/** Expects `promise` to reject with a StatusError and returns it. */
async function rejection(promise: Promise<unknown>): Promise<StatusError> {
  try {
    await promise;
  } catch (err) {
    expect(err).to.be.instanceOf(StatusError);
    return err as StatusError;
  }
  throw new Error('expected the promise to reject');
}

describe('fetchStatus', () => {
  it('requests the status path as JSON and returns the status', async () => {
    const calls: Array<{ input: string; init?: RequestInit }> = [];
    const fake: FetchLike = async (input, init) => {
      calls.push({ input, init });
      return json(GOOD);
    };
    const status = await fetchStatus({ fetch: fake });
    expect(status).to.deep.equal(GOOD);
    expect(calls).to.have.length(1);
    expect(calls[0]!.input).to.equal(STATUS_PATH);
    expect(new Headers(calls[0]!.init?.headers).get('accept')).to.equal('application/json');
  });

  it('prefixes the base URL', async () => {
    let seen = '';
    await fetchStatus({ baseUrl: 'https://pbx.example.com', fetch: async (input) => ((seen = input), json(GOOD)) });
    expect(seen).to.equal('https://pbx.example.com/api/v2/status');
  });

  it('drops unknown fields', async () => {
    const status = await fetchStatus({ fetch: async () => json({ ...GOOD, secret: 'x' }) });
    expect(status).to.deep.equal(GOOD);
  });

  it('rejects HTTP 500 with an http error carrying the status and the API message', async () => {
    const err = await rejection(
      fetchStatus({ fetch: async () => json({ code: 'internal', message: 'store unavailable' }, 500) }),
    );
    expect(err.kind).to.equal('http');
    expect(err.status).to.equal(500);
    expect(err.message).to.contain('500').and.contain('store unavailable');
  });

  it('rejects an HTTP error with a non-JSON body', async () => {
    const err = await rejection(
      fetchStatus({ fetch: async () => new Response('<h1>Bad Gateway</h1>', { status: 502 }) }),
    );
    expect(err.kind).to.equal('http');
    expect(err.status).to.equal(502);
  });

  it('rejects a body that is not JSON as invalid-response', async () => {
    const err = await rejection(
      fetchStatus({ fetch: async () => new Response('<!doctype html><title>app</title>', { status: 200 }) }),
    );
    expect(err.kind).to.equal('invalid-response');
    expect(err.cause).to.be.instanceOf(SyntaxError);
  });

  it('rejects JSON in the wrong shape as invalid-response', async () => {
    for (const body of [null, [], { ...GOOD, domain_count: '2' }, { ...GOOD, uptime_s: -1 }, { name: 'x' }]) {
      const err = await rejection(fetchStatus({ fetch: async () => json(body) }));
      expect(err.kind, JSON.stringify(body)).to.equal('invalid-response');
    }
  });

  it('reports a failed request as a network error', async () => {
    const err = await rejection(
      fetchStatus({
        fetch: async () => {
          throw new TypeError('Failed to fetch');
        },
      }),
    );
    expect(err.kind).to.equal('network');
    expect(err.cause).to.be.instanceOf(TypeError);
  });

  it('reports cancellation as aborted', async () => {
    const abort = new AbortController();
    const pending = fetchStatus({
      signal: abort.signal,
      fetch: (_input, init) =>
        new Promise<Response>((_resolve, reject) => {
          init?.signal?.addEventListener('abort', () => reject(new DOMException('Aborted', 'AbortError')));
        }),
    });
    abort.abort();
    expect((await rejection(pending)).kind).to.equal('aborted');
  });

  it('uses the real fetch by default (no "Illegal invocation")', async () => {
    // The test server has no /api: whatever it answers must come back as a StatusError.
    const err = await rejection(fetchStatus());
    expect(['http', 'invalid-response']).to.include(err.kind);
  });
});

describe('formatUptime', () => {
  it('formats seconds, minutes, hours and days', () => {
    expect(formatUptime(42)).to.equal('42 s');
    expect(formatUptime(125)).to.equal('2 min');
    expect(formatUptime(3725)).to.equal('1 h 2 min');
    expect(formatUptime(3 * 86_400 + 4 * 3_600 + 5)).to.equal('3 d 4 h');
  });
});

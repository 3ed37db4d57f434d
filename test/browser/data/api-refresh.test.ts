import { expect } from '@open-wc/testing';
import { HttpClient, type ApiUser, type SessionStorage } from '../../../src/data/http.js';

const USER = { domain: 'demo', extension: '1001', first_name: 'Alice', last_name: 'Anders', role: 'user' } as ApiUser;

/**
 * The platform's refresh rule: each refresh token works once, and a second use of one ends the
 * whole login (as server/auth/service.ts does). Answers are slow, so refreshes overlap.
 */
class RotatingTokens {
  private next = 1;
  private readonly used = new Set<string>();
  revoked = false;
  readonly valid = new Set<string>(['r0']);

  fetch = async (_url: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const body = JSON.parse(String(init?.body ?? '{}')) as { refresh_token?: string };
    await new Promise((r) => setTimeout(r, 30));
    const token = body.refresh_token ?? '';
    if (this.used.has(token)) this.revoked = true;
    if (this.revoked || !this.valid.has(token)) return Response.json({ code: 'invalid_token', message: 'revoked' }, { status: 401 });
    this.used.add(token);
    const rotated = `r${this.next++}`;
    this.valid.add(rotated);
    return Response.json({ access_token: `a-${rotated}`, refresh_token: rotated, token_type: 'Bearer', expires_in: 900, refresh_expires_in: 3600, user: USER });
  };
}

/** Two tabs' localStorage: one shared store. */
function sharedStorage(): SessionStorage {
  let saved: { refreshToken: string; user: ApiUser } | null = { refreshToken: 'r0', user: USER };
  return { load: () => saved, save: (s) => (saved = s), clear: () => (saved = null) };
}

describe('HttpClient refresh across tabs', () => {
  it('two tabs restoring at once take turns, so neither reuses a rotated token and the login survives', async () => {
    const platform = new RotatingTokens();
    const storage = sharedStorage();
    const tabA = new HttpClient(storage, '', platform.fetch);
    const tabB = new HttpClient(storage, '', platform.fetch);
    const [a, b] = await Promise.all([tabA.restore(), tabB.restore()]);
    expect(platform.revoked, 'a rotated refresh token was used twice').to.equal(false);
    expect(a?.extension).to.equal('1001');
    expect(b?.extension).to.equal('1001');
    expect(storage.load()?.refreshToken).to.equal('r2');
  });
});

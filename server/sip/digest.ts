/**
 * SIP digest authentication (RFC 3261 s22, RFC 2617 / RFC 7616, MD5 with qop=auth).
 *
 * Nonces are state, not just signatures, because a stateless nonce can be replayed: the same
 * bytes of an authenticated REGISTER, sent again on another connection within the nonce's
 * lifetime, would register the attacker's socket as the victim. So every nonce we issue is
 *   - bound to the flow (WebSocket connection) it was issued on: used on any other, it fails;
 *   - counted: with qop each use must carry a higher nc than the last (RFC 7616 s3.3-3.4), and
 *     without qop a nonce is good for one use; a repeated or lower nc is a replay;
 *   - short-lived: after NONCE_TTL_MS a correct answer to it gets a fresh challenge with
 *     stale=true (RFC 7616 s3.3), so a client re-authenticates without asking its user.
 * Nonces are random (128 bits), kept per flow (at most MAX_NONCES_PER_FLOW, oldest dropped) and
 * forgotten when the flow closes, so an unauthenticated client cannot grow the table.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AuthParams } from './uri.js';

export const NONCE_TTL_MS = 5 * 60_000;
const MAX_NONCES_PER_FLOW = 8;

export function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

/** HA1 as stored for a device: MD5(username:realm:password). */
export function computeHa1(username: string, realm: string, password: string): string {
  return md5(`${username}:${realm}:${password}`);
}

/** `ok`; `stale`: right answer to a nonce that expired (or that we forgot); `invalid`: anything else. */
export type DigestCheck = 'ok' | 'stale' | 'invalid';

interface NonceState {
  flowId: string;
  issuedAt: number;
  /** Highest nonce count used so far; 0 before the first use. */
  lastNc: number;
}

export class DigestAuthenticator {
  private readonly nonces = new Map<string, NonceState>();
  private readonly byFlow = new Map<string, string[]>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Value for WWW-Authenticate / Proxy-Authenticate, with a nonce for this flow only. */
  challenge(realm: string, flowId: string, stale = false): string {
    const nonce = this.issue(flowId);
    const parts = [`realm="${realm}"`, `nonce="${nonce}"`, 'algorithm=MD5', 'qop="auth"'];
    if (stale) parts.push('stale=true');
    return `Digest ${parts.join(', ')}`;
  }

  /**
   * Checks a client's credentials for `method`, sent on `flowId`, against the stored HA1 of the
   * claimed user. A correct answer uses up its nonce count.
   */
  verify(auth: AuthParams, method: string, ha1: string, flowId: string): DigestCheck {
    if (auth.scheme.toLowerCase() !== 'digest') return 'invalid';
    const p = auth.params;
    const nonce = p.get('nonce');
    const uri = p.get('uri');
    const response = p.get('response');
    if (!nonce || !uri || !response) return 'invalid';
    const algorithm = (p.get('algorithm') ?? 'MD5').toUpperCase();
    if (algorithm !== 'MD5') return 'invalid';
    const ha2 = md5(`${method}:${uri}`);
    const qop = p.get('qop');
    let expected: string;
    let nc = 1;
    if (qop) {
      const ncText = p.get('nc');
      const cnonce = p.get('cnonce');
      if (qop !== 'auth' || !ncText || !/^[0-9a-f]{8}$/i.test(ncText) || !cnonce) return 'invalid';
      nc = parseInt(ncText, 16);
      expected = md5(`${ha1}:${nonce}:${ncText}:${cnonce}:${qop}:${ha2}`);
    } else {
      expected = md5(`${ha1}:${nonce}:${ha2}`);
    }
    const a = Buffer.from(expected);
    const b = Buffer.from(response.toLowerCase());
    if (a.length !== b.length || !timingSafeEqual(a, b)) return 'invalid';

    // The answer is right; now is it fresh? Only a nonce we issued to this very flow counts.
    const state = this.nonces.get(nonce);
    if (!state) return 'stale';
    if (state.flowId !== flowId) return 'invalid';
    if (this.now() - state.issuedAt > NONCE_TTL_MS) {
      this.forget(nonce);
      return 'stale';
    }
    if (nc <= state.lastNc) return 'invalid';
    state.lastNc = nc;
    return 'ok';
  }

  /** The flow closed: its nonces can never be used again. */
  flowClosed(flowId: string): void {
    for (const nonce of this.byFlow.get(flowId) ?? []) this.nonces.delete(nonce);
    this.byFlow.delete(flowId);
  }

  /** Nonces held now (for tests and benchmarks: it must not grow without bound). */
  get size(): number {
    return this.nonces.size;
  }

  private issue(flowId: string): string {
    const nonce = randomBytes(16).toString('base64url');
    this.nonces.set(nonce, { flowId, issuedAt: this.now(), lastNc: 0 });
    const list = this.byFlow.get(flowId) ?? [];
    list.push(nonce);
    while (list.length > MAX_NONCES_PER_FLOW) this.nonces.delete(list.shift()!);
    this.byFlow.set(flowId, list);
    return nonce;
  }

  private forget(nonce: string): void {
    const state = this.nonces.get(nonce);
    if (!state) return;
    this.nonces.delete(nonce);
    const list = this.byFlow.get(state.flowId);
    if (list) list.splice(list.indexOf(nonce), 1);
  }
}

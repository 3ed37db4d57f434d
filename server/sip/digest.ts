/**
 * SIP digest authentication (RFC 3261 s22, RFC 2617, MD5 with qop=auth). Nonces are stateless:
 * a timestamp signed with a per-process key, so any nonce we did not issue, or one older than
 * NONCE_TTL_MS, is rejected (stale=true lets the client retry transparently).
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AuthParams } from './uri.js';

const NONCE_TTL_MS = 5 * 60_000;

export function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

/** HA1 as stored for a device: MD5(username:realm:password). */
export function computeHa1(username: string, realm: string, password: string): string {
  return md5(`${username}:${realm}:${password}`);
}

export type DigestCheck = 'ok' | 'stale' | 'invalid';

export class DigestAuthenticator {
  private readonly key = randomBytes(32);

  constructor(private readonly now: () => number = Date.now) {}

  /** Value for WWW-Authenticate / Proxy-Authenticate. */
  challenge(realm: string, stale = false): string {
    const nonce = this.makeNonce();
    const parts = [`realm="${realm}"`, `nonce="${nonce}"`, 'algorithm=MD5', 'qop="auth"'];
    if (stale) parts.push('stale=true');
    return `Digest ${parts.join(', ')}`;
  }

  /** Checks a client's credentials for `method` against the stored HA1 of the claimed user. */
  verify(auth: AuthParams, method: string, ha1: string): DigestCheck {
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
    if (qop) {
      const nc = p.get('nc');
      const cnonce = p.get('cnonce');
      if (qop !== 'auth' || !nc || !cnonce) return 'invalid';
      expected = md5(`${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${ha2}`);
    } else {
      expected = md5(`${ha1}:${nonce}:${ha2}`);
    }
    const a = Buffer.from(expected);
    const b = Buffer.from(response.toLowerCase());
    if (a.length !== b.length || !timingSafeEqual(a, b)) return 'invalid';
    // Only a correct response to a nonce we issued counts; an old one asks for a fresh challenge.
    const nonceState = this.checkNonce(nonce);
    return nonceState;
  }

  private makeNonce(): string {
    const stamp = this.now().toString(36);
    return `${stamp}.${this.sign(stamp)}`;
  }

  private checkNonce(nonce: string): DigestCheck {
    const [stamp, sig] = nonce.split('.');
    if (!stamp || !sig || sig !== this.sign(stamp)) return 'invalid';
    const issued = parseInt(stamp, 36);
    return this.now() - issued > NONCE_TTL_MS ? 'stale' : 'ok';
  }

  private sign(stamp: string): string {
    return createHmac('sha256', this.key).update(stamp).digest('base64url').slice(0, 22);
  }
}

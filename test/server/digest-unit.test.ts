/**
 * Unit tests of the digest authenticator with an injected clock: the challenge, every refusal,
 * the nonce's binding to its flow, nonce counts, expiry at the exact boundary, and the table's
 * bounds. (The SIP hardening tests do the same attacks over real sockets; these are fast enough
 * to drive mutation testing: npm run mutate -- digest.)
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { computeHa1, DigestAuthenticator, md5, NONCE_TTL_MS } from '../../server/sip/digest.js';
import type { AuthParams } from '../../server/sip/uri.js';

const REALM = 'demo';
const HA1 = computeHa1('1001-dev', REALM, 'secret');
const URI = 'sip:demo';

function nonceOf(challenge: string): string {
  return /nonce="([^"]+)"/.exec(challenge)![1]!;
}

/** The Authorization a correct client sends for `nonce`, with qop=auth and nonce count `nc`. */
function answer(nonce: string, nc: number, opts: { ha1?: string; method?: string; cnonce?: string; qop?: string | null; uri?: string; upper?: boolean; extra?: Record<string, string> } = {}): AuthParams {
  const ha1 = opts.ha1 ?? HA1;
  const method = opts.method ?? 'REGISTER';
  const cnonce = opts.cnonce ?? 'c0ffee';
  const uri = opts.uri ?? URI;
  const ncText = nc.toString(16).padStart(8, '0');
  const ha2 = md5(`${method}:${uri}`);
  const qop = opts.qop === undefined ? 'auth' : opts.qop;
  let response = qop ? md5(`${ha1}:${nonce}:${ncText}:${cnonce}:${qop}:${ha2}`) : md5(`${ha1}:${nonce}:${ha2}`);
  if (opts.upper) response = response.toUpperCase();
  const params = new Map<string, string>([['username', '1001-dev'], ['realm', REALM], ['nonce', nonce], ['uri', uri], ['response', response]]);
  if (qop) {
    params.set('qop', qop);
    params.set('nc', ncText);
    params.set('cnonce', cnonce);
  }
  for (const [k, v] of Object.entries(opts.extra ?? {})) params.set(k, v);
  return { scheme: 'Digest', params };
}

function setup() {
  let t = 1_000_000;
  const auth = new DigestAuthenticator(() => t);
  return { auth, advance: (ms: number) => (t += ms) };
}

describe('digest authenticator', () => {
  it('md5 and HA1 follow RFC 2617', () => {
    assert.equal(md5(''), 'd41d8cd98f00b204e9800998ecf8427e');
    assert.equal(computeHa1('Mufasa', 'testrealm@host.com', 'Circle Of Life'), '939e7578ed9e3c518a452acee763bce9');
  });

  it('challenges with the realm, a fresh random nonce, MD5 and qop=auth; stale=true only when asked', () => {
    const { auth } = setup();
    const c = auth.challenge(REALM, 'flow-1');
    assert.match(c, /^Digest realm="demo", nonce="[A-Za-z0-9_-]{22}", algorithm=MD5, qop="auth"$/);
    assert.notEqual(nonceOf(c), nonceOf(auth.challenge(REALM, 'flow-1')));
    assert.match(auth.challenge(REALM, 'flow-1', true), /, stale=true$/);
    assert.doesNotMatch(auth.challenge(REALM, 'flow-1', false), /stale/);
  });

  it('accepts a correct answer on the flow the nonce was issued to, with rising nonce counts', () => {
    const { auth } = setup();
    const nonce = nonceOf(auth.challenge(REALM, 'flow-1'));
    assert.equal(auth.verify(answer(nonce, 1), 'REGISTER', HA1, 'flow-1'), 'ok');
    assert.equal(auth.verify(answer(nonce, 2, { method: 'INVITE' }), 'INVITE', HA1, 'flow-1'), 'ok');
    assert.equal(auth.verify(answer(nonce, 7), 'REGISTER', HA1, 'flow-1'), 'ok');
    assert.equal(auth.verify(answer(nonce, 8, { upper: true }), 'REGISTER', HA1, 'flow-1'), 'ok', 'the response is hex in any case');
  });

  it('refuses a replay: the same or a lower nonce count', () => {
    const { auth } = setup();
    const nonce = nonceOf(auth.challenge(REALM, 'flow-1'));
    assert.equal(auth.verify(answer(nonce, 3), 'REGISTER', HA1, 'flow-1'), 'ok');
    assert.equal(auth.verify(answer(nonce, 3), 'REGISTER', HA1, 'flow-1'), 'invalid');
    assert.equal(auth.verify(answer(nonce, 2), 'REGISTER', HA1, 'flow-1'), 'invalid');
    assert.equal(auth.verify(answer(nonce, 4), 'REGISTER', HA1, 'flow-1'), 'ok');
  });

  it('without qop a nonce is good for one use', () => {
    const { auth } = setup();
    const nonce = nonceOf(auth.challenge(REALM, 'flow-1'));
    assert.equal(auth.verify(answer(nonce, 1, { qop: null }), 'REGISTER', HA1, 'flow-1'), 'ok');
    assert.equal(auth.verify(answer(nonce, 1, { qop: null }), 'REGISTER', HA1, 'flow-1'), 'invalid');
  });

  it('refuses a nonce used on another flow (a captured REGISTER sent on a new connection)', () => {
    const { auth } = setup();
    const nonce = nonceOf(auth.challenge(REALM, 'flow-1'));
    assert.equal(auth.verify(answer(nonce, 1), 'REGISTER', HA1, 'flow-2'), 'invalid');
    // ...and the refusal did not use the nonce up for its own flow.
    assert.equal(auth.verify(answer(nonce, 1), 'REGISTER', HA1, 'flow-1'), 'ok');
  });

  it('a correct answer to a nonce we never issued (or forgot) is stale, so the client retries at once', () => {
    const { auth } = setup();
    assert.equal(auth.verify(answer('made-up-nonce', 1), 'REGISTER', HA1, 'flow-1'), 'stale');
  });

  it('expires a nonce after exactly NONCE_TTL_MS: still good at the boundary, stale 1 ms later, then forgotten', () => {
    const { auth, advance } = setup();
    const nonce = nonceOf(auth.challenge(REALM, 'flow-1'));
    advance(NONCE_TTL_MS);
    assert.equal(auth.verify(answer(nonce, 1), 'REGISTER', HA1, 'flow-1'), 'ok');
    advance(1);
    assert.equal(auth.size, 1);
    assert.equal(auth.verify(answer(nonce, 2), 'REGISTER', HA1, 'flow-1'), 'stale');
    assert.equal(auth.size, 0, 'an expired nonce is dropped');
    assert.equal(auth.verify(answer(nonce, 3), 'REGISTER', HA1, 'flow-1'), 'stale');
    // Its flow's list forgot it too: new nonces of that flow still work and the count is right.
    const fresh = nonceOf(auth.challenge(REALM, 'flow-1'));
    assert.equal(auth.size, 1);
    assert.equal(auth.verify(answer(fresh, 1), 'REGISTER', HA1, 'flow-1'), 'ok');
  });

  it('refuses a wrong answer and every malformed credential', () => {
    const { auth } = setup();
    const nonce = nonceOf(auth.challenge(REALM, 'flow-1'));
    const verify = (a: AuthParams, method = 'REGISTER', ha1 = HA1) => auth.verify(a, method, ha1, 'flow-1');
    assert.equal(verify(answer(nonce, 1, { ha1: computeHa1('1001-dev', REALM, 'wrong') })), 'invalid', 'wrong password');
    assert.equal(verify(answer(nonce, 1), 'INVITE'), 'invalid', 'answer for another method');
    assert.equal(verify({ ...answer(nonce, 1), scheme: 'Basic' }), 'invalid', 'not digest');
    assert.equal(verify({ ...answer(nonce, 1), scheme: 'DIGEST' }), 'ok', 'the scheme is case-insensitive');
    for (const missing of ['nonce', 'uri', 'response']) {
      const a = answer(nonce, 2);
      a.params.delete(missing);
      assert.equal(verify(a), 'invalid', `without ${missing}`);
    }
    assert.equal(verify(answer(nonce, 2, { extra: { algorithm: 'SHA-256' } })), 'invalid', 'another algorithm');
    assert.equal(verify(answer(nonce, 2, { extra: { algorithm: 'md5' } })), 'ok', 'MD5 in any case');
    assert.equal(verify(answer(nonce, 3, { qop: 'auth-int' })), 'invalid', 'qop other than auth');
    const badNc = answer(nonce, 4);
    badNc.params.set('nc', '4');
    assert.equal(verify(badNc), 'invalid', 'nc not 8 hex digits');
    // An nc of more than 8 hex digits is refused even when the answer was computed over it.
    for (const ncText of ['000000004a', 'a00000004']) {
      const long = answer(nonce, 4);
      const ha2 = md5(`REGISTER:${URI}`);
      long.params.set('nc', ncText);
      long.params.set('response', md5(`${HA1}:${nonce}:${ncText}:c0ffee:auth:${ha2}`));
      assert.equal(verify(long), 'invalid', `nc ${ncText}`);
    }
    const noNc = answer(nonce, 4);
    noNc.params.delete('nc');
    assert.equal(verify(noNc), 'invalid', 'qop without nc');
    const noCnonce = answer(nonce, 4);
    noCnonce.params.delete('cnonce');
    assert.equal(verify(noCnonce), 'invalid', 'qop without cnonce');
    const short = answer(nonce, 4);
    short.params.set('response', short.params.get('response')!.slice(0, 31));
    assert.equal(verify(short), 'invalid', 'a response of the wrong length');
    // None of the refusals used up a count: the next right answer is still ok.
    assert.equal(verify(answer(nonce, 4)), 'ok');
  });

  it('keeps at most 8 nonces per flow (the oldest go) and forgets a flow\'s nonces when it closes', () => {
    const { auth } = setup();
    const first = nonceOf(auth.challenge(REALM, 'flow-1'));
    const rest = Array.from({ length: 8 }, () => nonceOf(auth.challenge(REALM, 'flow-1')));
    assert.equal(auth.size, 8);
    assert.equal(auth.verify(answer(first, 1), 'REGISTER', HA1, 'flow-1'), 'stale', 'the oldest was dropped');
    assert.equal(auth.verify(answer(rest[0]!, 1), 'REGISTER', HA1, 'flow-1'), 'ok');
    const other = nonceOf(auth.challenge(REALM, 'flow-2'));
    assert.equal(auth.size, 9);
    auth.flowClosed('flow-1');
    assert.equal(auth.size, 1);
    assert.equal(auth.verify(answer(rest[1]!, 1), 'REGISTER', HA1, 'flow-1'), 'stale');
    assert.equal(auth.verify(answer(other, 1), 'REGISTER', HA1, 'flow-2'), 'ok');
    auth.flowClosed('flow-unknown');
    assert.equal(auth.size, 1);
  });
});

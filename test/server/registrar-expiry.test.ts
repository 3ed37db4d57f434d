/**
 * Registrar expiry (RFC 3261 s10.3): a binding lives for the Expires it was granted and no longer,
 * both for lookups (who to ring) and for the periodic sweep (presence). Min-Expires is 60 s, so
 * this drives the Registrar with an injected clock instead of waiting; the sweep's interval is
 * driven with node's mock timers. The store, authenticator and flow are the smallest stand-ins
 * the Registrar needs: this is about time, not digest auth.
 */
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus } from '../../server/events/bus.js';
import { createLogger } from '../../server/log.js';
import { SipHeaders, type SipMessage, type SipRequest } from '../../server/sip/message.js';
import { Registrar } from '../../server/sip/registrar.js';

const device = { id: 'dev-1', domain: 'demo', extension: '1002', label: 'test device' };

function fakeFlow() {
  const sent: SipMessage[] = [];
  return { id: 'flow-1', identity: null, userAgent: '', remote: '127.0.0.1', secure: false, isOpen: true, sent, send(m: SipMessage) { sent.push(m); } };
}

function register(expires: number): SipRequest {
  const headers = new SipHeaders([
    ['Via', 'SIP/2.0/WS test.invalid;branch=z9hG4bKreg1'],
    ['Max-Forwards', '70'],
    ['To', '<sip:1002@demo>'],
    ['From', '<sip:1002@demo>;tag=abc'],
    ['Call-ID', 'reg-expiry'],
    ['CSeq', '1 REGISTER'],
    ['Contact', `<sip:1002-x@test.invalid;transport=ws>;+sip.instance="<urn:uuid:x>";expires=${expires}`],
    ['Expires', String(expires)],
  ]);
  return { type: 'request', method: 'REGISTER', uri: 'sip:demo', version: 'SIP/2.0', headers, body: Buffer.alloc(0) };
}

describe('registrar expiry', () => {
  let clock: number;
  let registrar: Registrar;
  let bus: EventBus;
  let flow: ReturnType<typeof fakeFlow>;

  beforeEach(() => {
    mock.timers.enable({ apis: ['setInterval'] });
    clock = 1_700_000_000_000;
    bus = new EventBus();
    flow = fakeFlow();
    const store = { domains: { get: async () => ({ domain: 'demo', name: 'Demo' }) }, devices: { touch: async () => undefined } };
    const auth = { authenticate: async () => ({ ok: true, device }) };
    registrar = new Registrar(store as any, auth as any, bus, createLogger('silent'), () => clock);
    registrar.start();
  });
  afterEach(() => {
    registrar.stop();
    mock.timers.reset();
  });

  async function registerFor(expires: number): Promise<void> {
    await registrar.handleRegister(register(expires), flow as any);
    const res = flow.sent.at(-1);
    assert.ok(res && res.type === 'response' && res.status === 200, `REGISTER answered 200, got ${res && res.type === 'response' ? res.status : 'nothing'}`);
  }

  it('lookup finds a binding before it expires and not after', async () => {
    await registerFor(60);
    assert.equal(registrar.lookup('demo', '1002').length, 1);
    clock += 59_000;
    assert.equal(registrar.lookup('demo', '1002').length, 1, 'still bound at 59 s');
    assert.equal(registrar.isOnline('demo', '1002'), true);
    clock += 1_000;
    assert.equal(registrar.lookup('demo', '1002').length, 0, 'at exactly 60 s the binding has expired');
    clock += 1_000;
    assert.equal(registrar.lookup('demo', '1002').length, 0, 'an expired binding is not rung');
    assert.equal(registrar.isOnline('demo', '1002'), false);
  });

  it('the sweep removes an expired binding and announces the user offline', async () => {
    const presence: Array<{ extension: string; online: boolean }> = [];
    bus.on('presence', (p) => presence.push(p));
    await registerFor(60);
    assert.deepEqual(presence.map((p) => p.online), [true]);
    mock.timers.tick(5_000);
    assert.equal(registrar.size, 1, 'a live binding survives a sweep');
    clock += 61_000;
    mock.timers.tick(5_000);
    assert.equal(registrar.size, 0, 'the sweep dropped the expired binding');
    assert.deepEqual(presence.map((p) => p.online), [true, false], 'and announced the user offline');
  });

  it('a re-REGISTER extends the binding', async () => {
    await registerFor(60);
    clock += 50_000;
    await registerFor(60);
    clock += 50_000;
    assert.equal(registrar.lookup('demo', '1002').length, 1, 'bound 60 s from the refresh');
    mock.timers.tick(5_000);
    assert.equal(registrar.size, 1);
  });
});

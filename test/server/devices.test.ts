/**
 * Devices of a user: readable default labels (never a raw browser identifier), renaming with
 * validation and owner checks (another user cannot rename mine), and `devices-changed` on the
 * events channel when another device of mine registers or goes away, so a device holding a call
 * can offer Switch Phone at once.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { answeredCall, api, delay, login, openEvents, phone, startPlatform, type EventsSocket, type Phone, type TestPlatform } from '../support/harness.js';
import { SipUa } from '../support/sip-ua.js';
import { computeHa1 } from '../../server/sip/digest.js';
import { describeUserAgent, isRawUserAgent } from '../../src/data/device-label.js';

const DEVICES = '/api/v2/domains/~/users/~/devices';
const CHROME_LINUX = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
const FIREFOX_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';
const SAFARI_MAC = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15';
const EDGE_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.87';
const SAFARI_IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const CHROME_ANDROID = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36';

describe('describeUserAgent', () => {
  it('names the browser and the system in words', () => {
    assert.equal(describeUserAgent(CHROME_LINUX), 'Chrome on Linux');
    assert.equal(describeUserAgent(FIREFOX_WINDOWS), 'Firefox on Windows');
    assert.equal(describeUserAgent(SAFARI_MAC), 'Safari on macOS');
    assert.equal(describeUserAgent(EDGE_WINDOWS), 'Edge on Windows');
    assert.equal(describeUserAgent(SAFARI_IPHONE), 'Safari on iOS');
    assert.equal(describeUserAgent(CHROME_ANDROID), 'Chrome on Android');
    assert.equal(describeUserAgent(''), 'Web browser');
    assert.equal(describeUserAgent('curl/8.5.0'), 'Web browser');
  });

  it('tells a raw browser identifier from a name', () => {
    assert.equal(isRawUserAgent(CHROME_LINUX), true);
    assert.equal(isRawUserAgent('Work laptop'), false);
    assert.equal(isRawUserAgent('Chrome on Linux'), false);
  });
});

describe('device labels and renaming', () => {
  let t: TestPlatform;
  let alice = '';
  let bob = '';
  let erin = '';
  before(async () => {
    t = await startPlatform();
    alice = await login(t.url, '1001@demo');
    bob = await login(t.url, '1002@demo');
    erin = await login(t.url, '1005@demo');
  });
  after(async () => { await t.close(); });

  const create = (token: string, body: object, headers: Record<string, string> = {}) =>
    api(t.url, 'POST', DEVICES, { token, body, headers });
  const labelOf = async (token: string, id: string, path = DEVICES) =>
    (await api(t.url, 'GET', path, { token })).body.find((d: any) => d.id === id)?.label;

  it('names a device created without a label from the browser that asked, and never keeps a raw user agent', async () => {
    const unnamed = await create(alice, {}, { 'user-agent': FIREFOX_WINDOWS });
    assert.equal(unnamed.status, 201);
    assert.equal(unnamed.body.label, 'Firefox on Windows');
    const raw = await create(alice, { label: CHROME_LINUX });
    assert.equal(raw.status, 201);
    assert.equal(raw.body.label, 'Chrome on Linux');
    assert.equal(await labelOf(alice, raw.body.id), 'Chrome on Linux');
    const named = await create(alice, { label: '  Front  desk ' });
    assert.equal(named.body.label, 'Front desk');
  });

  it('shows a device named before labels were readable (a raw user agent, "Web phone - ...") by a readable name, in lists and live calls', async () => {
    const store = t.platform.store;
    const make = async (id: string, label: string, password: string) => {
      const sipUsername = `1001-${id}`;
      await store.devices.create({ id, domain: 'demo', extension: '1001', label, sipUsername, ha1: computeHa1(sipUsername, 'demo', password), createdAt: Date.now(), lastSeenAt: null, loginFamily: null });
      const ua = new SipUa(t.wsUrl, { uri: 'sip:1001@demo', authorizationUser: sipUsername, password });
      await ua.connect();
      assert.equal((await ua.register()).status, 200);
      return ua;
    };
    const legacy = await make('legacy-raw', CHROME_LINUX, 'pw-legacy-1');
    const prefixed = await make('legacy-prefix', 'Web phone - Firefox on Windows', 'pw-legacy-2');
    try {
      assert.equal(await labelOf(alice, 'legacy-raw'), 'Chrome on Linux');
      assert.equal(await labelOf(alice, 'legacy-prefix'), 'Firefox on Windows');
      const bobUa = await phone(t, '1002', 'Bob desk');
      try {
        // The call forks to both; the legacy one answers.
        const { out } = await answeredCall(bobUa.ua, legacy, 'sip:1001@demo');
        const calls = (await api(t.url, 'GET', '/api/v2/domains/~/users/~/calls', { token: alice })).body.calls;
        assert.equal(calls.length, 1);
        assert.equal(calls[0].device_label, 'Chrome on Linux');
        await out.dialog!.bye();
      } finally {
        await bobUa.ua.close();
      }
    } finally {
      await Promise.all([legacy.close(), prefixed.close()]);
    }
  });

  it('renames a device of mine, and says what is wrong with a bad name in words', async () => {
    const { body: device } = await create(alice, { label: 'Chrome on Linux' });
    const renamed = await api(t.url, 'PATCH', `${DEVICES}/${device.id}`, { token: alice, body: { label: ' Work laptop ' } });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.body.label, 'Work laptop');
    assert.equal(renamed.body.id, device.id);
    assert.equal(renamed.body.sip_password, undefined);
    assert.equal(await labelOf(alice, device.id), 'Work laptop');

    const bad = [
      [{ label: '   ' }, 'Give the device a name'],
      [{ label: 'x'.repeat(81) }, 'A device name is at most 80 characters'],
      [{ label: 'two\nlines' }, 'A device name cannot contain control characters'],
    ] as const;
    for (const [body, message] of bad) {
      const res = await api(t.url, 'PATCH', `${DEVICES}/${device.id}`, { token: alice, body });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.deepEqual(res.body, { code: 'invalid_request', message, field: 'label' });
    }
    for (const body of [{}, { label: 42 }, { label: 'ok', sip_username: 'hijack' }]) {
      assert.equal((await api(t.url, 'PATCH', `${DEVICES}/${device.id}`, { token: alice, body })).status, 400, JSON.stringify(body));
    }
    assert.equal(await labelOf(alice, device.id), 'Work laptop', 'nothing changed by the bad requests');
    assert.equal((await api(t.url, 'PATCH', `${DEVICES}/no-such-device`, { token: alice, body: { label: 'x' } })).status, 404);
  });

  it('attack: another user cannot rename my device, through their path or mine', async () => {
    const { body: device } = await create(alice, { label: 'Alice desk' });
    // Through Bob's own path: not his device, so it does not exist for him.
    const asBob = await api(t.url, 'PATCH', `${DEVICES}/${device.id}`, { token: bob, body: { label: 'pwned' } });
    assert.equal(asBob.status, 404);
    // Through Alice's path: not his to touch at all.
    const viaAlice = await api(t.url, 'PATCH', `/api/v2/domains/~/users/1001/devices/${device.id}`, { token: bob, body: { label: 'pwned' } });
    assert.equal(viaAlice.status, 403);
    // Through another domain's path.
    const otherDomain = await api(t.url, 'PATCH', `/api/v2/domains/elsewhere/users/1001/devices/${device.id}`, { token: bob, body: { label: 'pwned' } });
    assert.equal(otherDomain.status, 403);
    // Without a token.
    assert.equal((await api(t.url, 'PATCH', `${DEVICES}/${device.id}`, { body: { label: 'pwned' } })).status, 401);
    assert.equal(await labelOf(alice, device.id), 'Alice desk');
    // The domain administrator manages the domain's devices.
    const asAdmin = await api(t.url, 'PATCH', `/api/v2/domains/~/users/1001/devices/${device.id}`, { token: erin, body: { label: 'Reception' } });
    assert.equal(asAdmin.status, 200);
    assert.equal(await labelOf(alice, device.id), 'Reception');
    // ...but only through the owner's path.
    assert.equal((await api(t.url, 'PATCH', `${DEVICES}/${device.id}`, { token: erin, body: { label: 'x' } })).status, 404);
  });
});

describe('devices-changed on the events channel', () => {
  let t: TestPlatform;
  const phones: Phone[] = [];
  const sockets: EventsSocket[] = [];
  before(async () => { t = await startPlatform(); });
  after(async () => {
    sockets.forEach((s) => s.close());
    await Promise.all(phones.map((p) => p.ua.close()));
    await t.close();
  });

  const changed = (deviceId: string, change: string) => (e: any) => e.type === 'devices-changed' && e.device_id === deviceId && e.change === change;

  it('tells my other devices when a device of mine registers, is renamed and goes away; nobody else hears it', async () => {
    const desk = await phone(t, '1001', 'Alice desk');
    const bob = await phone(t, '1002', 'Bob desk');
    phones.push(desk, bob);
    const deskEvents = await openEvents(t, desk.token, desk.deviceId);
    const bobEvents = await openEvents(t, bob.token, bob.deviceId);
    sockets.push(deskEvents, bobEvents);

    const laptop = await phone(t, '1001', 'Alice laptop');
    phones.push(laptop);
    await deskEvents.next(changed(laptop.deviceId, 'added'));
    await deskEvents.next(changed(laptop.deviceId, 'online'));
    // A re-REGISTER of a device already online is no change.
    assert.equal((await laptop.ua.register()).status, 200);

    const renamed = await api(t.url, 'PATCH', `${DEVICES}/${laptop.deviceId}`, { token: laptop.token, body: { label: 'Home laptop' } });
    assert.equal(renamed.status, 200);
    await deskEvents.next(changed(laptop.deviceId, 'renamed'));

    await laptop.ua.close();
    await deskEvents.next(changed(laptop.deviceId, 'offline'));

    await delay(100);
    const onlines = deskEvents.received.filter(changed(laptop.deviceId, 'online'));
    assert.equal(onlines.length, 1, 'one "online" for the first registration only');
    assert.equal(bobEvents.received.some((e) => e.type === 'devices-changed'), false, 'another user hears nothing of my devices');

    const gone = await api(t.url, 'DELETE', `${DEVICES}/${laptop.deviceId}`, { token: desk.token });
    assert.equal(gone.status, 204);
    await deskEvents.next(changed(laptop.deviceId, 'removed'));
  });
});

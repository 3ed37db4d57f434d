import { expect } from '@open-wc/testing';
import type { DeviceInfo } from '../../../src/data/wire.js';
import { PlatformEventMessage, type EventsClient, type PlatformEvent } from '../../../src/data/events.js';
import type { CallStore } from '../../../src/state/call-store.js';
import { OtherDevices } from '../../../src/state/other-devices.js';
import type { Phone } from '../../../src/phone/types.js';
import { deviceLabel } from '../../../src/state/session.js';

const reg = (ua: string) => ({ contact: 'sip:x@y', user_agent: ua, online: true, registered_at: '2029-12-31T00:00:00Z', expires_at: '2030-01-01T00:00:00Z' });
const RAW_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

/** The devices the fake platform lists, and the renames it was asked for. */
class FakeApi {
  known: DeviceInfo[] = [];
  listed = 0;
  renames: Array<[string, string]> = [];
  async list(): Promise<DeviceInfo[]> {
    this.listed++;
    return structuredClone(this.known);
  }
  async rename(id: string, label: string): Promise<DeviceInfo> {
    if (!label.trim()) throw new Error('Give the device a name');
    this.renames.push([id, label]);
    const d = this.known.find((x) => x.id === id)!;
    d.label = label.trim();
    return structuredClone(d);
  }
}

const tick = () => new Promise((r) => setTimeout(r, 0));

function setup() {
  const api = new FakeApi();
  const events = new EventTarget();
  const devices = new OtherDevices({ devices: api, calls: { offerSwitch: async () => ({}) as never, declineSwitch: async () => undefined } }, new EventTarget() as unknown as Phone, {} as CallStore, events as EventsClient, () => 'here');
  const send = (data: unknown) => events.dispatchEvent(new PlatformEventMessage(data as PlatformEvent));
  return { api, devices, send };
}

describe('OtherDevices: my devices and Switch Phone targets', () => {
  it('offers a new target as soon as another device of mine registers (devices-changed), without any call event', async () => {
    const { api, devices, send } = setup();
    api.known = [{ id: 'here', label: 'Chrome on Linux', sip_username: 'a', created_at: '', last_seen_at: null, online: true, registrations: [reg(RAW_UA)] }];
    await devices.refreshDevices();
    expect(devices.onlineDevices).to.deep.equal([]);

    let changes = 0;
    devices.addEventListener('other-devices-changed', () => changes++);
    api.known.push({ id: 'laptop', label: 'Firefox on Windows', sip_username: 'b', created_at: '', last_seen_at: null, online: true, registrations: [reg('Firefox')] });
    send({ type: 'devices-changed', device_id: 'laptop', change: 'online' });
    await tick();
    expect(api.listed).to.equal(2);
    expect(changes).to.be.greaterThan(0);
    expect(devices.onlineDevices).to.deep.equal([{ id: 'laptop', label: 'Firefox on Windows', online: true, current: false }]);

    // ...and no longer once it goes away.
    api.known[1]!.online = false;
    api.known[1]!.registrations = [];
    send({ type: 'devices-changed', device_id: 'laptop', change: 'offline' });
    await tick();
    expect(devices.onlineDevices).to.deep.equal([]);
  });

  it('lists this device first, marked current, for the picker and Settings; labels are never raw user agents', async () => {
    const { api, devices } = setup();
    api.known = [
      { id: 'old', label: RAW_UA, sip_username: 'c', created_at: '', last_seen_at: null, online: false, registrations: [] },
      { id: 'laptop', label: 'Web phone - Firefox on Windows', sip_username: 'b', created_at: '', last_seen_at: null, online: true, registrations: [reg('x')] },
      { id: 'here', label: 'Chrome on Linux', sip_username: 'a', created_at: '', last_seen_at: null, online: true, registrations: [reg(RAW_UA)] },
    ];
    await devices.refreshDevices();
    expect(devices.myDevices).to.deep.equal([
      { id: 'here', label: 'Chrome on Linux', online: true, current: true },
      { id: 'old', label: 'Chrome on Linux', online: false, current: false },
      { id: 'laptop', label: 'Firefox on Windows', online: true, current: false },
    ]);
    expect(devices.pickerDevices.map((d) => d.id)).to.deep.equal(['here', 'laptop']);
    expect(JSON.stringify(devices.myDevices)).not.to.contain('Mozilla');
  });

  it('this browser asks for a readable label from its user agent, not the raw identifier', () => {
    expect(deviceLabel(RAW_UA)).to.equal('Chrome on Linux');
    expect(deviceLabel(navigator.userAgent)).to.match(/^Chrome on (Linux|Windows|macOS)$/);
  });

  it('renames a device through the platform and shows the new name; a refusal comes back as an error', async () => {
    const { api, devices } = setup();
    api.known = [{ id: 'here', label: 'Chrome on Linux', sip_username: 'a', created_at: '', last_seen_at: null, online: true, registrations: [] }];
    await devices.refreshDevices();
    await devices.rename('here', 'Work laptop');
    expect(api.renames).to.deep.equal([['here', 'Work laptop']]);
    expect(devices.myDevices[0]!.label).to.equal('Work laptop');
    let error = '';
    await devices.rename('here', '  ').catch((e: Error) => (error = e.message));
    expect(error).to.equal('Give the device a name');
    expect(devices.myDevices[0]!.label).to.equal('Work laptop');
  });
});

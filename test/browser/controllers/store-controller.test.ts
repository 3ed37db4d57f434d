import { expect } from '@open-wc/testing';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { StoreController } from '../../../src/controllers/store-controller.js';
import { CallsChangedEvent } from '../../../src/state/call-store.js';
import { SettingsChangedEvent } from '../../../src/state/settings.js';

/** A host that counts update requests and lets the test connect and disconnect it. */
class Host implements ReactiveControllerHost {
  updates = 0;
  readonly controllers: ReactiveController[] = [];
  addController(c: ReactiveController): void {
    this.controllers.push(c);
  }
  removeController(): void {}
  requestUpdate(): void {
    this.updates += 1;
  }
  get updateComplete(): Promise<boolean> {
    return Promise.resolve(true);
  }
  connect(): void {
    for (const c of this.controllers) c.hostConnected?.();
  }
  disconnect(): void {
    for (const c of this.controllers) c.hostDisconnected?.();
  }
}

describe('StoreController', () => {
  it('re-renders on the named store events only, and only while connected', () => {
    const host = new Host();
    const store = new EventTarget();
    const watch = new StoreController(host, [CallsChangedEvent.eventName]);
    host.connect();
    watch.observe(store);
    const afterObserve = host.updates;
    store.dispatchEvent(new CallsChangedEvent());
    expect(host.updates).to.equal(afterObserve + 1);
    store.dispatchEvent(new Event(SettingsChangedEvent.eventName));
    expect(host.updates).to.equal(afterObserve + 1);
    host.disconnect();
    store.dispatchEvent(new CallsChangedEvent());
    expect(host.updates).to.equal(afterObserve + 1);
  });

  it('follows a new target and lets go of the old one', () => {
    const host = new Host();
    const a = new EventTarget();
    const b = new EventTarget();
    const watch = new StoreController(host, [CallsChangedEvent.eventName, SettingsChangedEvent.eventName]);
    host.connect();
    watch.observe(a);
    watch.observe(b);
    const n = host.updates;
    a.dispatchEvent(new CallsChangedEvent());
    expect(host.updates).to.equal(n);
    b.dispatchEvent(new Event(SettingsChangedEvent.eventName));
    expect(host.updates).to.equal(n + 1);
  });

  it('accepts only the stores\u2019 event names (a type check: tsc fails if this compiles)', () => {
    // @ts-expect-error not a store's change event
    const watch = new StoreController(new Host(), ['calls-chnaged']);
    expect(watch).to.be.instanceOf(StoreController);
  });
});

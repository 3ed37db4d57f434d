import { expect } from '@open-wc/testing';
import type { ReactiveController } from 'lit';
import { CallAlerts, type AlertsHost } from '../../../src/controllers/call-alerts.js';
import type { AreaServices } from '../../../src/areas/area.js';
import { IncomingMessageEvent } from '../../../src/state/conversations.js';

describe('CallAlerts with Chat and SMS', () => {
  const nav = navigator as Navigator & { setAppBadge?: (n?: number) => Promise<void>; clearAppBadge?: () => Promise<void> };
  const saved = { set: nav.setAppBadge, clear: nav.clearAppBadge };
  afterEach(() => {
    nav.setAppBadge = saved.set;
    nav.clearAppBadge = saved.clear;
  });

  it('adds unread messages to the app icon badge, and listens for new messages', () => {
    const badges: number[] = [];
    nav.setAppBadge = async (n?: number) => void badges.push(n ?? 0);
    nav.clearAppBadge = async () => void badges.push(0);
    const conversations = Object.assign(new EventTarget(), { count: 3 });
    const voicemail = Object.assign(new EventTarget(), { count: 1 });
    let listened = 0;
    const add = conversations.addEventListener.bind(conversations);
    conversations.addEventListener = (type: string, ...rest: [EventListenerOrEventListenerObject | null, (boolean | AddEventListenerOptions)?]) => {
      if (type === IncomingMessageEvent.eventName) listened++;
      add(type, ...rest);
    };
    const controllers: ReactiveController[] = [];
    const host: AlertsHost = {
      addController: (c) => void controllers.push(c),
      removeController: () => undefined,
      requestUpdate: () => undefined,
      updateComplete: Promise.resolve(true),
      areaServices: { conversations, voicemail } as unknown as AreaServices,
    };
    const alerts = new CallAlerts(host);
    alerts.hostUpdate();
    expect(badges).to.deep.equal([4]);
    expect(listened).to.equal(1);
    conversations.count = 0;
    alerts.hostUpdate();
    expect(badges).to.deep.equal([4, 1]);
    expect(listened).to.equal(1);
  });
});

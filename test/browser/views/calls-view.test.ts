import { expect } from '@open-wc/testing';
import { ContextProvider } from '@lit/context';
import { callStoreContext, settingsContext } from '../../../src/app/contexts.js';
import { FakePhone } from '../../../src/phone/fake-phone.js';
import { CallStore } from '../../../src/state/call-store.js';
import { SettingsStore } from '../../../src/state/settings.js';
import '../../../src/views/calls/sb-calls-view.js';
import type { SbCallsView } from '../../../src/views/calls/sb-calls-view.js';
import { button, field, hasButton, text, typeInto } from '../components/helpers.js';

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

async function mount() {
  const phone = new FakePhone();
  phone.start({ uri: 'sip:1002@demo', authorizationUser: 'u', password: 'p', websocketUrl: 'ws://x/sip', displayName: 'Bob', userAgent: 't' });
  const store = new CallStore(phone, { holdReminderMs: 0, endedLingerMs: 20 });
  const settings = new SettingsStore(new Map<string, string>() as unknown as Storage);
  // A plain host rather than fixture(): fixture waits for an animation frame, which a test page
  // running in a background tab may not get.
  const host = document.body.appendChild(document.createElement('div'));
  new ContextProvider(host, { context: callStoreContext, initialValue: store });
  new ContextProvider(host, { context: settingsContext, initialValue: settings });
  const view = document.createElement('sb-calls-view') as SbCallsView;
  host.append(view);
  await view.updateComplete;
  return { phone, store, view };
}

describe('sb-calls-view', () => {
  it('dials from the New Call dialpad and shows the call as a card', async () => {
    const { phone, view } = await mount();
    button(view, 'New Call').click();
    await view.updateComplete;
    typeInto(field(view, 'Number'), '1004');
    await tick();
    button(view, 'Call').click();
    await tick();
    await view.updateComplete;
    expect(phone.dialled).to.deep.equal(['1004']);
    expect(text(view)).to.contain('Calling');
    await expect(view).to.be.accessible();
  });

  it('answers, holds and hangs up through the card', async () => {
    const { phone, view } = await mount();
    const call = phone.simulateIncoming({ number: '1001', name: 'Alice Anders' });
    await tick();
    await view.updateComplete;
    expect(text(view)).to.contain('Alice Anders');
    button(view, 'Answer').click();
    await tick(10);
    await view.updateComplete;
    expect(call.snapshot.status).to.equal('connected');
    button(view, 'Hold').click();
    await tick(10);
    expect(call.snapshot.status).to.equal('held');
    await view.updateComplete;
    button(view, 'Resume').click();
    await tick(10);
    expect(call.snapshot.status).to.equal('connected');
    await view.updateComplete;
    button(view, 'Hang Up').click();
    expect(call.snapshot.status).to.equal('ended');
  });

  it('sends DTMF from the in-call dialpad', async () => {
    const { phone, view } = await mount();
    const call = phone.simulateIncoming({ number: '1001', name: 'Alice Anders' });
    await tick();
    await view.updateComplete;
    button(view, 'Answer').click();
    await tick(10);
    await view.updateComplete;
    button(view, 'Dialpad').click();
    await view.updateComplete;
    await tick();
    button(view, '7').click();
    expect(call.snapshot.dtmf).to.equal('7');
    expect(hasButton(view, 'Mute')).to.equal(true);
  });
});

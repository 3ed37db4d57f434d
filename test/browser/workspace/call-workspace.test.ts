import { expect } from '@open-wc/testing';
import { ContextProvider } from '@lit/context';
import { callStoreContext, settingsContext } from '../../../src/app/contexts.js';
import { FakePhone } from '../../../src/phone/fake-phone.js';
import { CallStore } from '../../../src/state/call-store.js';
import { SettingsStore } from '../../../src/state/settings.js';
import type { PhoneCall } from '../../../src/phone/types.js';
import type { Mixer } from '../../../src/state/call-store.js';
import '../../../src/workspace/sb-call-workspace.js';
import type { SbCallWorkspace } from '../../../src/workspace/sb-call-workspace.js';
import { button, deepAll, field, hasButton, text, typeInto } from '../components/helpers.js';

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

async function mount() {
  const phone = new FakePhone();
  phone.start({ uri: 'sip:1002@demo', authorizationUser: 'u', password: 'p', websocketUrl: 'ws://x/sip', displayName: 'Bob', userAgent: 't' });
  const store = new CallStore(phone, { holdReminderMs: 0, endedLingerMs: 20, createMixer: () => new SilentMixer() });
  const settings = new SettingsStore(new Map<string, string>() as unknown as Storage);
  // A plain host rather than fixture(): fixture waits for an animation frame, which a test page
  // running in a background tab may not get.
  const host = document.body.appendChild(document.createElement('div'));
  new ContextProvider(host, { context: callStoreContext, initialValue: store });
  new ContextProvider(host, { context: settingsContext, initialValue: settings });
  const view = document.createElement('sb-call-workspace') as SbCallWorkspace;
  host.append(view);
  await view.updateComplete;
  return { phone, store, view };
}

class SilentMixer implements Mixer {
  add(_call: PhoneCall) {}
  remove(_call: PhoneCall) {}
  setMuted(_muted: boolean) {}
  dispose() {}
}

/** The cards on the grid, in order, by element name. */
const cardNames = (view: SbCallWorkspace) => [...view.shadowRoot!.querySelector('sb-card-grid')!.children].filter((c) => !c.hasAttribute('slot')).map((c) => c.localName);
const visible = (el: Element | null | undefined) => !!el && el.getClientRects().length > 0;

describe('sb-call-workspace', () => {
  afterEach(() => {
    document.body.querySelectorAll('div').forEach((d) => d.remove());
  });

  it('the empty grid says so briefly, and not while a hidden call is there', async () => {
    const { phone, store, view } = await mount();
    expect(text(view)).to.contain('No calls right now');
    await expect(view).to.be.accessible();
    const call = phone.simulateIncoming({ number: '1001', name: 'Alice Anders' });
    await tick();
    await store.answer(call.id);
    store.hide(call.id);
    await view.updateComplete;
    expect(text(view)).not.to.contain('No calls');
    expect(hasButton(view, 'Show call with Alice Anders')).to.be.true;
  });

  it('shows a conference first, and its participants not again as their own cards', async () => {
    const { phone, store, view } = await mount();
    const first = await store.dial('1002');
    phone.lastCall!.simulateRemoteAnswer();
    await tick();
    const added = await store.addCall(first.id, '1004');
    phone.lastCall!.simulateRemoteAnswer();
    await tick();
    const third = phone.simulateIncoming({ number: '1003', name: 'Carol' });
    await tick();
    await store.merge(added.id);
    await tick();
    await view.updateComplete;
    expect(cardNames(view)).to.deep.equal(['sb-conference-card', 'sb-call-card']);
    const card = view.shadowRoot!.querySelector('sb-call-card')!;
    expect(card.call!.id).to.equal(third.id);
    await expect(view).to.be.accessible();
  });

  it('compact: nothing without calls, the active-call bar with one, expanding to the cards', async () => {
    const { phone, store, view } = await mount();
    view.compact = true;
    await view.updateComplete;
    expect(view.shadowRoot!.querySelector('sb-card-grid')).to.equal(null);
    expect(view.shadowRoot!.querySelector('sb-active-call-bar')).to.equal(null);
    expect(view.getBoundingClientRect().height).to.equal(0);
    const call = phone.simulateIncoming({ number: '1001', name: 'Alice Anders' });
    await tick();
    await view.updateComplete;
    // Ringing takes over the screen: the card with Answer is there at once.
    const takeover = view.shadowRoot!.querySelector('.takeover');
    expect(takeover, view.shadowRoot!.innerHTML.slice(0, 300)).not.to.equal(null);
    expect(visible(takeover)).to.be.true;
    expect(hasButton(view, 'Answer')).to.be.true;
    await store.answer(call.id);
    await tick();
    await view.updateComplete;
    expect(view.shadowRoot!.querySelector('.takeover')).to.equal(null);
    const bar = view.shadowRoot!.querySelector('sb-active-call-bar')!;
    await bar.updateComplete;
    expect(text(bar)).to.contain('Alice Anders');
    expect(text(bar)).to.contain('Connected');
    expect(hasButton(view, 'Hang Up')).to.be.false;
    button(bar, 'View calls').click();
    await view.updateComplete;
    await tick();
    expect(hasButton(view, 'Hang Up')).to.be.true;
    expect(button(view, 'Minimize calls').getAttribute('aria-expanded')).to.equal('true');
    button(view, 'Minimize calls').click();
    await view.updateComplete;
    expect(hasButton(view, 'Hang Up')).to.be.false;
    // The call's audio keeps playing while the cards are collapsed.
    expect(deepAll(view, 'sb-remote-audio')).to.have.length(1);
  });

  it('answerRinging answers the newest ringing call (the Alt+A shortcut)', async () => {
    const { phone, view } = await mount();
    expect(view.answerRinging()).to.be.false;
    const call = phone.simulateIncoming({ number: '1001', name: 'Alice Anders' });
    await tick();
    expect(view.answerRinging()).to.be.true;
    await tick(10);
    expect(call.snapshot.status).to.equal('connected');
  });

  it('dials from the New Call dialpad (opened by the app bar) and shows the call as a card', async () => {
    const { phone, view } = await mount();
    view.openDialpad();
    await view.updateComplete;
    await tick();
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

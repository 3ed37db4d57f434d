import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import '../../../src/components/sb-call-card.js';
import type { CallActionDetail, SbCallCard } from '../../../src/components/sb-call-card.js';
import type { CallSnapshot, CallStatus } from '../../../src/phone/types.js';
import { accessibleName, button, buttonNames, makeCall, roleOf, text, XSS } from './helpers.js';

async function card(call: CallSnapshot, opts: { active?: boolean; showDialpad?: boolean } = {}): Promise<SbCallCard> {
  return fixture<SbCallCard>(html`<sb-call-card
    .call=${call}
    ?active=${opts.active ?? false}
    ?show-dialpad=${opts.showDialpad ?? false}
  ></sb-call-card>`);
}

function article(el: SbCallCard): HTMLElement {
  return el.shadowRoot!.querySelector('article')!;
}

function controlNames(el: SbCallCard): string[] {
  return [...el.shadowRoot!.querySelectorAll('.controls button')].map(accessibleName);
}

/** Clicks the control and returns the sb-call-action detail it fired. */
async function act(el: SbCallCard, name: string): Promise<CallActionDetail> {
  setTimeout(() => button(el, name).click());
  return (await oneEvent(el, 'sb-call-action')).detail;
}

describe('sb-call-card', () => {
  afterEach(() => emulateMedia({ colorScheme: 'light', reducedMotion: 'no-preference' }));

  it('is an article named "Call with <name>", name large and number small', async () => {
    const el = await card(makeCall());
    expect(roleOf(article(el))).to.equal('article');
    expect(article(el).getAttribute('aria-label')).to.equal('Call with Bob Baker');
    expect(el.shadowRoot!.querySelector('h2')!.textContent).to.equal('Bob Baker');
    expect(el.shadowRoot!.querySelector('.number')!.textContent).to.equal('1002');
  });

  it('without a name, the number is the title', async () => {
    const el = await card(makeCall({ remote: { name: '', number: '+15550100' } }));
    expect(article(el).getAttribute('aria-label')).to.equal('Call with +15550100');
    expect(el.shadowRoot!.querySelector('h2')!.textContent).to.equal('+15550100');
    expect(el.shadowRoot!.querySelector('.number')).to.be.null;
  });

  const expected: Array<[CallStatus, string, string[]]> = [
    ['incoming', 'Incoming call', ['Answer', 'Decline']],
    ['calling', 'Calling…', ['Hang Up']],
    ['ringing', 'Ringing…', ['Hang Up']],
    ['connecting', 'Connecting…', ['Hang Up']],
    ['connected', 'Connected', ['Mute', 'Hold', 'Dialpad', 'Hang Up']],
    ['held', 'On Hold', ['Mute', 'Resume', 'Dialpad', 'Hang Up']],
    ['ended', 'Ended', ['Dismiss']],
  ];

  for (const [status, label, controls] of expected) {
    it(`${status}: "${label}" with ${controls.join(', ')}`, async () => {
      const el = await card(makeCall({ status, direction: status === 'incoming' ? 'incoming' : 'outgoing' }));
      expect(el.shadowRoot!.querySelector('.status-text')!.textContent).to.equal(label);
      expect(controlNames(el)).to.deep.equal(controls);
      const timer = el.shadowRoot!.querySelector('sb-call-timer');
      if (status === 'connected' || status === 'held') expect(timer).to.exist;
      else expect(timer).to.be.null;
      await expect(el).to.be.accessible();
    });
  }

  it('connected: the timer counts from connectedAt', async () => {
    const now = Date.now();
    const el = await card(makeCall({ startedAt: now - 200_000, connectedAt: now - 125_500 }));
    const timer = el.shadowRoot!.querySelector('sb-call-timer')!;
    await timer.updateComplete;
    expect(timer.shadowRoot!.textContent).to.contain('02:05');
    // The timer sits outside the status live region, so it is never announced every second.
    expect(el.shadowRoot!.querySelector('[role="status"] sb-call-timer')).to.be.null;
  });

  it('shows "They put you on hold" when the other side holds', async () => {
    const el = await card(makeCall({ remoteHeld: true }));
    expect(el.shadowRoot!.querySelector('.status-text')!.textContent).to.equal('They put you on hold');
    const both = await card(makeCall({ status: 'held', remoteHeld: true }));
    expect(text(both)).to.contain('On Hold');
    expect(text(both)).to.contain('They put you on hold');
  });

  it('ended: shows the end message and "Dismiss"', async () => {
    const el = await card(makeCall({ status: 'ended', endReason: 'busy', endMessage: 'Bob Baker is busy' }));
    expect(text(el)).to.contain('Ended');
    expect(text(el)).to.contain('Bob Baker is busy');
    expect(await act(el, 'Dismiss')).to.deep.equal({ callId: 'c1', action: 'dismiss' });
  });

  it('incoming: Answer and Decline fire their actions', async () => {
    const el = await card(makeCall({ id: 'in-7', status: 'incoming', direction: 'incoming' }));
    expect(await act(el, 'Answer')).to.deep.equal({ callId: 'in-7', action: 'answer' });
    expect(await act(el, 'Decline')).to.deep.equal({ callId: 'in-7', action: 'decline' });
  });

  it('outgoing: Hang Up fires hangup', async () => {
    const el = await card(makeCall({ status: 'ringing' }));
    expect(await act(el, 'Hang Up')).to.deep.equal({ callId: 'c1', action: 'hangup' });
  });

  it('Mute/Unmute and Hold/Resume are toggle buttons with aria-pressed', async () => {
    const el = await card(makeCall());
    expect(button(el, 'Mute').getAttribute('aria-pressed')).to.equal('false');
    expect(button(el, 'Hold').getAttribute('aria-pressed')).to.equal('false');
    expect(await act(el, 'Mute')).to.deep.equal({ callId: 'c1', action: 'mute' });
    expect(await act(el, 'Hold')).to.deep.equal({ callId: 'c1', action: 'hold' });
    el.call = makeCall({ status: 'held', muted: true });
    await el.updateComplete;
    expect(button(el, 'Unmute').getAttribute('aria-pressed')).to.equal('true');
    expect(button(el, 'Resume').getAttribute('aria-pressed')).to.equal('true');
    expect(await act(el, 'Unmute')).to.deep.equal({ callId: 'c1', action: 'unmute' });
    expect(await act(el, 'Resume')).to.deep.equal({ callId: 'c1', action: 'resume' });
  });

  it('Dialpad toggles (aria-expanded) and the embedded pad sends dtmf actions', async () => {
    const el = await card(makeCall());
    expect(button(el, 'Dialpad').getAttribute('aria-expanded')).to.equal('false');
    expect(el.shadowRoot!.querySelector('sb-dialpad')).to.be.null;
    expect(await act(el, 'Dialpad')).to.deep.equal({ callId: 'c1', action: 'toggle-dialpad' });

    el.showDialpad = true;
    el.call = makeCall({ dtmf: '12' });
    await el.updateComplete;
    expect(button(el, 'Dialpad').getAttribute('aria-expanded')).to.equal('true');
    const pad = el.shadowRoot!.querySelector('sb-dialpad')!;
    expect(pad.mode).to.equal('dtmf');
    expect(pad.digits).to.equal('12');

    // The pad's own events are turned into call actions and stay inside the card.
    let leaked = 0;
    document.addEventListener('sb-dtmf', () => leaked++);
    expect(await act(el, '#')).to.deep.equal({ callId: 'c1', action: 'dtmf', tone: '#' });
    expect(await act(el, 'Close')).to.deep.equal({ callId: 'c1', action: 'toggle-dialpad' });
    expect(leaked).to.equal(0);
    await expect(el).to.be.accessible();
  });

  it('keeps focus on the card when the focused control goes away', async () => {
    const el = await card(makeCall({ status: 'incoming', direction: 'incoming' }));
    button(el, 'Answer').focus();
    el.call = makeCall({ status: 'connecting', direction: 'incoming' });
    await el.updateComplete;
    expect(el.shadowRoot!.activeElement).to.equal(button(el, 'Hang Up'));
  });

  it('a ringing incoming card pulses, except with reduced motion', async () => {
    const el = await card(makeCall({ status: 'incoming', direction: 'incoming' }));
    expect(getComputedStyle(article(el)).animationName).to.equal('ring');
    await emulateMedia({ reducedMotion: 'reduce' });
    expect(getComputedStyle(article(el)).animationName).to.equal('none');
  });

  it('the active card is marked', async () => {
    const el = await card(makeCall(), { active: true });
    expect(el.hasAttribute('active')).to.be.true;
  });

  it('renders user text as text', async () => {
    const el = await card(makeCall({ remote: { name: XSS, number: XSS }, status: 'ended', endMessage: XSS }));
    expect(el.shadowRoot!.querySelector('h2')!.textContent).to.equal(XSS);
    expect(article(el).getAttribute('aria-label')).to.equal(`Call with ${XSS}`);
    expect(text(el)).to.contain(XSS);
    expect(el.shadowRoot!.querySelector('img')).to.be.null;
    expect((window as unknown as { __xss?: number }).__xss).to.be.undefined;
  });

  it('is accessible in dark mode, dialpad open', async () => {
    await emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
    const el = await card(makeCall({ muted: true, dtmf: '5' }), { active: true, showDialpad: true });
    await expect(el).to.be.accessible();
    const ringing = await card(makeCall({ status: 'incoming', direction: 'incoming' }));
    await expect(ringing).to.be.accessible();
    expect(buttonNames(ringing)).to.deep.equal(['Answer', 'Decline']);
  });
});

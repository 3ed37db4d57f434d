import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { emulateMedia, setViewport } from '@web/test-runner-commands';
import '../../../src/components/sb-call-card.js';
import type { CallActionDetail, ConsultationInfo, SbCallCard } from '../../../src/components/sb-call-card.js';
import type { CallSnapshot, CallStatus } from '../../../src/phone/types.js';
import { accessibleName, button, buttonNames, makeCall, roleOf, text, XSS } from './helpers.js';

interface CardOptions {
  active?: boolean;
  showDialpad?: boolean;
  recording?: boolean;
  consultation?: ConsultationInfo | null;
  mergeable?: boolean;
  canSwitch?: boolean;
  holdReminder?: boolean;
  remoteRecording?: boolean;
}

async function card(call: CallSnapshot, opts: CardOptions = {}): Promise<SbCallCard> {
  return fixture<SbCallCard>(html`<sb-call-card
    .call=${call}
    ?active=${opts.active ?? false}
    ?show-dialpad=${opts.showDialpad ?? false}
    .recording=${opts.recording ?? false}
    .consultation=${opts.consultation ?? null}
    .mergeable=${opts.mergeable ?? false}
    .canSwitch=${opts.canSwitch ?? false}
    .holdReminder=${opts.holdReminder ?? false}
    .remoteRecording=${opts.remoteRecording ?? false}
  ></sb-call-card>`);
}

function optionNames(el: SbCallCard): string[] {
  return [...el.shadowRoot!.querySelectorAll('.options button')].map(accessibleName);
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
  afterEach(async () => {
    await emulateMedia({ colorScheme: 'light', reducedMotion: 'no-preference' });
    await setViewport({ width: 800, height: 600 });
  });

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

  it('says "Voicemail" when the platform\'s voicemail answered, "On Hold" when held', async () => {
    const el = await card(makeCall({ answeredBy: 'Voicemail' }));
    expect(el.shadowRoot!.querySelector('.status-text')!.textContent).to.equal('Voicemail');
    const held = await card(makeCall({ answeredBy: 'Voicemail', status: 'held' }));
    expect(held.shadowRoot!.querySelector('.status-text')!.textContent).to.equal('On Hold');
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
  describe('in-call options', () => {
    it('a live call offers the options in a second row, "Switch Phone" only with canSwitch', async () => {
      for (const status of ['connected', 'held'] as const) {
        const el = await card(makeCall({ status }));
        expect(controlNames(el)).to.deep.equal(['Mute', status === 'held' ? 'Resume' : 'Hold', 'Dialpad', 'Hang Up']);
        expect(optionNames(el)).to.deep.equal(['Add Call', 'Transfer', 'Hide Call', 'Start Recording']);
        const group = el.shadowRoot!.querySelector('.options')!;
        expect(roleOf(group)).to.equal('group');
        expect(accessibleName(group)).to.equal('Call options');
      }
      const el = await card(makeCall(), { canSwitch: true });
      expect(optionNames(el)).to.deep.equal(['Add Call', 'Transfer', 'Switch Phone', 'Hide Call', 'Start Recording']);
      expect(buttonNames(el)).not.to.include('Park Call');
      await expect(el).to.be.accessible();
    });

    it('no options before the call is up or after it ended', async () => {
      for (const status of ['incoming', 'calling', 'ringing', 'connecting', 'ended'] as const) {
        const el = await card(makeCall({ status }), { canSwitch: true, recording: true });
        expect(optionNames(el), status).to.deep.equal([]);
        expect(buttonNames(el), status).not.to.include('Add Call');
      }
    });

    it('each option fires its action', async () => {
      const el = await card(makeCall({ id: 'k9' }), { canSwitch: true });
      expect(await act(el, 'Add Call')).to.deep.equal({ callId: 'k9', action: 'add-call' });
      expect(await act(el, 'Transfer')).to.deep.equal({ callId: 'k9', action: 'transfer' });
      expect(await act(el, 'Switch Phone')).to.deep.equal({ callId: 'k9', action: 'switch-phone' });
      expect(await act(el, 'Hide Call')).to.deep.equal({ callId: 'k9', action: 'hide' });
      expect(await act(el, 'Start Recording')).to.deep.equal({ callId: 'k9', action: 'start-recording' });
    });

    it('recording: a red "Recording" status with a dot, and "Stop Recording" pressed', async () => {
      const el = await card(makeCall());
      expect(button(el, 'Start Recording').getAttribute('aria-pressed')).to.equal('false');
      expect(el.shadowRoot!.querySelector('.recording')).to.be.null;
      // The live region is there before recording starts, so the change is announced.
      const region = el.shadowRoot!.querySelector('.rec-region')!;
      expect(roleOf(region)).to.equal('status');

      el.recording = true;
      await el.updateComplete;
      expect(region.textContent!.trim()).to.equal('Recording');
      const indicator = region.querySelector('.recording')!;
      expect(indicator.querySelector('.dot')).to.exist;
      expect(getComputedStyle(indicator.querySelector('.dot')!).backgroundColor).to.equal(
        getComputedStyle(el.shadowRoot!.querySelector('.control.danger .disc')!).backgroundColor,
      );
      expect(button(el, 'Stop Recording').getAttribute('aria-pressed')).to.equal('true');
      expect(await act(el, 'Stop Recording')).to.deep.equal({ callId: 'c1', action: 'stop-recording' });
      await expect(el).to.be.accessible();
    });

    it('the other party records: "Recording" shows here too, with who records, announced', async () => {
      const el = await card(makeCall({ remote: { number: '1002', name: 'Bob Baker' } }));
      const region = el.shadowRoot!.querySelector('.rec-region')!;
      expect(region.textContent!.trim()).to.equal('');
      el.remoteRecording = true;
      await el.updateComplete;
      expect(region.textContent!.trim()).to.equal('Recording');
      expect(region.querySelector('.recording .dot')).to.exist;
      const note = el.shadowRoot!.querySelector('.notes .remote-recording')!;
      expect(note.textContent!.trim()).to.equal('Bob Baker is recording this call');
      expect(roleOf(el.shadowRoot!.querySelector('.notes')!)).to.equal('status');
      // Not mine to stop: my own option still says Start Recording.
      expect(button(el, 'Start Recording').getAttribute('aria-pressed')).to.equal('false');
      await expect(el).to.be.accessible();
      el.remoteRecording = false;
      await el.updateComplete;
      expect(region.textContent!.trim()).to.equal('');
      expect(el.shadowRoot!.querySelector('.remote-recording')).to.be.null;
    });

    it('a held call whose hold reminder fired says "Still on hold", announced, until it is resumed', async () => {
      const el = await card(makeCall({ status: 'held', remote: { number: '1002', name: 'Bob Baker' } }));
      expect(text(el)).not.to.contain('Still on hold');
      el.holdReminder = true;
      await el.updateComplete;
      const note = el.shadowRoot!.querySelector('.notes .reminder')!;
      expect(note.textContent!.trim()).to.equal('Still on hold: Bob Baker is waiting. Resume to talk.');
      expect(roleOf(el.shadowRoot!.querySelector('.notes')!)).to.equal('status');
      expect(el.hasAttribute('hold-reminder')).to.equal(true);
      await expect(el).to.be.accessible();
      // Only while held.
      el.call = makeCall({ status: 'connected', remote: { number: '1002', name: 'Bob Baker' } });
      await el.updateComplete;
      expect(text(el)).not.to.contain('Still on hold');
    });

    it('is accessible with the reminder and a remote recording in dark mode', async () => {
      await emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
      const el = await card(makeCall({ status: 'held' }), { holdReminder: true, remoteRecording: true });
      await expect(el).to.be.accessible();
      await emulateMedia({ colorScheme: 'light', reducedMotion: 'no-preference' });
    });

    it('a focused option stays focused as the options change around it', async () => {
      const el = await card(makeCall(), { canSwitch: true });
      button(el, 'Start Recording').focus();
      el.recording = true;
      await el.updateComplete;
      expect(el.shadowRoot!.activeElement).to.equal(button(el, 'Stop Recording'));
      button(el, 'Hide Call').focus();
      el.canSwitch = false;
      await el.updateComplete;
      expect(accessibleName(el.shadowRoot!.activeElement!)).to.equal('Hide Call');
    });

    it('at 360 px the four main controls keep one row and the options wrap inside the card', async () => {
      await setViewport({ width: 360, height: 740 });
      const el = await card(makeCall(), { canSwitch: true, recording: true });
      const box = article(el).getBoundingClientRect();
      const tops = [...el.shadowRoot!.querySelectorAll('.controls button')].map((b) => Math.round(b.getBoundingClientRect().top));
      expect(new Set(tops).size).to.equal(1);
      const options = [...el.shadowRoot!.querySelectorAll<HTMLElement>('.options button')];
      expect(options).to.have.length(5);
      for (const o of options) {
        const r = o.getBoundingClientRect();
        expect(r.left).to.be.at.least(box.left);
        expect(r.right).to.be.at.most(box.right);
        expect(o.scrollWidth).to.be.at.most(o.clientWidth + 1);
      }
      // The options sit below the main row, and are smaller.
      expect(options[0]!.getBoundingClientRect().top).to.be.greaterThan(tops[0]!);
      const mainDisc = el.shadowRoot!.querySelector('.controls .disc')!.getBoundingClientRect().width;
      const optionDisc = el.shadowRoot!.querySelector('.options .disc')!.getBoundingClientRect().width;
      expect(optionDisc).to.be.lessThan(mainDisc);
    });

    it('mergeable: "Merge" fires merge', async () => {
      const el = await card(makeCall({ id: 'added' }), { mergeable: true });
      expect(await act(el, 'Merge')).to.deep.equal({ callId: 'added', action: 'merge' });
      await expect(el).to.be.accessible();
      const ringing = await card(makeCall({ status: 'ringing' }), { mergeable: true });
      expect(buttonNames(ringing)).not.to.include('Merge');
    });
  });

  describe('transfer', () => {
    it('attended, consultation call: "Complete Transfer" (primary) and "Cancel Transfer"', async () => {
      const el = await card(makeCall({ id: 'consult', remote: { name: 'Dan Diaz', number: '1004' } }), {
        consultation: { role: 'consultation', otherName: 'Bob Baker' },
      });
      expect(button(el, 'Complete Transfer').classList.contains('primary')).to.be.true;
      expect(text(el)).to.contain('Bob Baker is waiting to be transferred');
      expect(await act(el, 'Complete Transfer')).to.deep.equal({ callId: 'consult', action: 'complete-transfer' });
      expect(await act(el, 'Cancel Transfer')).to.deep.equal({ callId: 'consult', action: 'cancel-transfer' });
      expect(button(el, 'Transfer').disabled).to.be.true;
      await expect(el).to.be.accessible();

      // While the consultation still rings, it can only be given up.
      el.call = makeCall({ id: 'consult', status: 'ringing' });
      await el.updateComplete;
      expect(buttonNames(el)).to.deep.equal(['Cancel Transfer', 'Hang Up']);
    });

    it('attended, original (held) call: "Transferring to <name>…"', async () => {
      const el = await card(makeCall({ status: 'held' }), { consultation: { role: 'original', otherName: 'Dan Diaz' } });
      const notes = el.shadowRoot!.querySelector('.notes')!;
      expect(roleOf(notes)).to.equal('status');
      expect(notes.textContent!.trim()).to.equal('Transferring to Dan Diaz…');
      expect(buttonNames(el)).not.to.include('Complete Transfer');
      expect(buttonNames(el)).not.to.include('Cancel Transfer');
      await expect(el).to.be.accessible();
    });

    it('in progress: "Transferring…", and no second transfer', async () => {
      const el = await card(makeCall({ transfer: 'in-progress' }));
      expect(el.shadowRoot!.querySelector('.notes')!.textContent!.trim()).to.equal('Transferring…');
      expect(button(el, 'Transfer').disabled).to.be.true;
      expect(el.shadowRoot!.querySelector('.alerts p')).to.be.null;
    });

    it('failed: the error in an alert; Transfer is offered again', async () => {
      const el = await card(makeCall());
      const alerts = el.shadowRoot!.querySelector('.alerts')!;
      expect(roleOf(alerts)).to.equal('alert');
      expect(alerts.textContent!.trim()).to.equal('');
      el.call = makeCall({ transfer: 'failed', transferError: 'Dan Diaz is busy' });
      await el.updateComplete;
      expect(alerts.textContent!.trim()).to.equal('Dan Diaz is busy');
      expect(button(el, 'Transfer').disabled).to.be.false;
      await expect(el).to.be.accessible();
    });

    it('origin: "Transferred call" and "Moved from another device"', async () => {
      expect(text(await card(makeCall({ origin: 'transfer' })))).to.contain('Transferred call');
      expect(text(await card(makeCall({ origin: 'switch' })))).to.contain('Moved from another device');
      const normal = text(await card(makeCall()));
      expect(normal).not.to.contain('Transferred call');
      expect(normal).not.to.contain('Moved from');
    });

    it('ended by a transfer or a move: "Transferred" / "Moved to another device", with the message', async () => {
      const t = await card(makeCall({ status: 'ended', endReason: 'transferred', endMessage: 'Bob Baker was transferred to Dan Diaz' }));
      expect(t.shadowRoot!.querySelector('.status-text')!.textContent).to.equal('Transferred');
      expect(text(t)).to.contain('Bob Baker was transferred to Dan Diaz');
      const m = await card(makeCall({ status: 'ended', endReason: 'moved', endMessage: 'The call continues on Work laptop' }));
      expect(m.shadowRoot!.querySelector('.status-text')!.textContent).to.equal('Moved to another device');
      expect(text(m)).to.contain('The call continues on Work laptop');
      expect(controlNames(m)).to.deep.equal(['Dismiss']);
      await expect(m).to.be.accessible();
    });

    it('renders transfer text as text', async () => {
      const el = await card(makeCall({ transfer: 'failed', transferError: XSS }), { consultation: { role: 'original', otherName: XSS } });
      expect(el.shadowRoot!.querySelector('.alerts')!.textContent!.trim()).to.equal(XSS);
      expect(el.shadowRoot!.querySelector('.notes')!.textContent!.trim()).to.equal(`Transferring to ${XSS}…`);
      expect(el.shadowRoot!.querySelector('img')).to.be.null;
      expect((window as unknown as { __xss?: number }).__xss).to.be.undefined;
    });
  });

  it('everything at once is accessible in dark mode', async () => {
    await emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
    const el = await card(makeCall({ transfer: 'failed', transferError: 'Refused', origin: 'transfer' }), {
      active: true,
      recording: true,
      canSwitch: true,
      mergeable: true,
    });
    await expect(el).to.be.accessible();
    const consult = await card(makeCall(), { consultation: { role: 'consultation', otherName: 'Bob' }, recording: true });
    await expect(consult).to.be.accessible();
  });
});

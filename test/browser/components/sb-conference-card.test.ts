import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import '../../../src/components/sb-conference-card.js';
import type { ConferenceActionDetail, SbConferenceCard } from '../../../src/components/sb-conference-card.js';
import type { CallSnapshot } from '../../../src/phone/types.js';
import { accessibleName, button, buttonNames, makeCall, roleOf, text, XSS } from './helpers.js';

const ALICE = makeCall({ id: 'p1', remote: { name: 'Alice Anders', number: '1001' } });
const DAN = makeCall({ id: 'p2', remote: { name: 'Dan Diaz', number: '1004' }, status: 'held' });

interface Opts {
  muted?: boolean;
  held?: boolean;
  recording?: boolean;
  active?: boolean;
}

async function conf(participants: CallSnapshot[] = [ALICE, DAN], o: Opts = {}): Promise<SbConferenceCard> {
  return fixture<SbConferenceCard>(html`<sb-conference-card
    id="conf-1"
    .participants=${participants}
    .muted=${o.muted ?? false}
    .held=${o.held ?? false}
    .recording=${o.recording ?? false}
    .active=${o.active ?? false}
  ></sb-conference-card>`);
}

function article(el: SbConferenceCard): HTMLElement {
  return el.shadowRoot!.querySelector('article')!;
}

async function act(el: SbConferenceCard, name: string): Promise<ConferenceActionDetail> {
  setTimeout(() => button(el, name).click());
  return (await oneEvent(el, 'sb-conference-action')).detail;
}

describe('sb-conference-card', () => {
  afterEach(() => emulateMedia({ colorScheme: 'light', reducedMotion: 'no-preference' }));

  it('is an article named after everyone in it', async () => {
    const el = await conf();
    expect(roleOf(article(el))).to.equal('article');
    expect(article(el).getAttribute('aria-label')).to.equal('Conference with Alice Anders and Dan Diaz');
    const three = await conf([ALICE, DAN, makeCall({ id: 'p3', remote: { name: '', number: '+15550100' } })]);
    expect(article(three).getAttribute('aria-label')).to.equal('Conference with Alice Anders, Dan Diaz, and +15550100');
    await expect(el).to.be.accessible();
  });

  it('lists each participant with number, state and "Drop <name>"', async () => {
    const el = await conf();
    const items = [...el.shadowRoot!.querySelectorAll('li')];
    expect(items).to.have.length(2);
    expect(items[0]!.querySelector('.name')!.textContent).to.equal('Alice Anders');
    expect(items[0]!.querySelector('.detail')!.textContent).to.equal('1001 · Connected');
    expect(items[1]!.querySelector('.detail')!.textContent).to.equal('1004 · On Hold');
    expect(accessibleName(el.shadowRoot!.querySelector('ul')!)).to.equal('Participants');
    expect(buttonNames(el)).to.deep.equal(['Drop Alice Anders', 'Drop Dan Diaz', 'Mute', 'Hold', 'Start Recording', 'Hang Up']);
  });

  it('Drop fires drop with the participant\'s call id', async () => {
    const el = await conf();
    expect(await act(el, 'Drop Alice Anders')).to.deep.equal({ conferenceId: 'conf-1', action: 'drop', callId: 'p1' });
    expect(await act(el, 'Drop Dan Diaz')).to.deep.equal({ conferenceId: 'conf-1', action: 'drop', callId: 'p2' });
  });

  it('controls fire for the whole conference, and toggle with aria-pressed', async () => {
    const el = await conf();
    expect(button(el, 'Mute').getAttribute('aria-pressed')).to.equal('false');
    expect(button(el, 'Hold').getAttribute('aria-pressed')).to.equal('false');
    expect(button(el, 'Start Recording').getAttribute('aria-pressed')).to.equal('false');
    expect(await act(el, 'Mute')).to.deep.equal({ conferenceId: 'conf-1', action: 'mute' });
    expect(await act(el, 'Hold')).to.deep.equal({ conferenceId: 'conf-1', action: 'hold' });
    expect(await act(el, 'Start Recording')).to.deep.equal({ conferenceId: 'conf-1', action: 'start-recording' });
    expect(await act(el, 'Hang Up')).to.deep.equal({ conferenceId: 'conf-1', action: 'hangup' });

    el.muted = true;
    el.held = true;
    el.recording = true;
    await el.updateComplete;
    expect(button(el, 'Unmute').getAttribute('aria-pressed')).to.equal('true');
    expect(button(el, 'Resume').getAttribute('aria-pressed')).to.equal('true');
    expect(button(el, 'Stop Recording').getAttribute('aria-pressed')).to.equal('true');
    expect(await act(el, 'Unmute')).to.deep.equal({ conferenceId: 'conf-1', action: 'unmute' });
    expect(await act(el, 'Resume')).to.deep.equal({ conferenceId: 'conf-1', action: 'resume' });
    expect(await act(el, 'Stop Recording')).to.deep.equal({ conferenceId: 'conf-1', action: 'stop-recording' });
    expect(el.shadowRoot!.querySelector('.status-text')!.textContent).to.equal('On Hold');
    await expect(el).to.be.accessible();
  });

  it('recording: a "Recording" status with a dot', async () => {
    const el = await conf(undefined, { recording: true });
    const region = el.shadowRoot!.querySelector('.rec-region')!;
    expect(roleOf(region)).to.equal('status');
    expect(region.textContent!.trim()).to.equal('Recording');
    expect(region.querySelector('.dot')).to.exist;
    el.recording = false;
    await el.updateComplete;
    expect(region.textContent!.trim()).to.equal('');
  });

  it('a timer from the earliest connection; the active conference is marked', async () => {
    const now = Date.now();
    const el = await conf(
      [makeCall({ id: 'a', connectedAt: now - 30_000 }), makeCall({ id: 'b', connectedAt: now - 125_500 })],
      { active: true },
    );
    const timer = el.shadowRoot!.querySelector('sb-call-timer')!;
    await timer.updateComplete;
    expect(timer.shadowRoot!.textContent).to.contain('02:05');
    expect(el.hasAttribute('active')).to.be.true;
  });

  it('keeps focus on the card when the dropped participant\'s row goes away', async () => {
    const el = await conf([ALICE, DAN, makeCall({ id: 'p3', remote: { name: 'Carol Chen', number: '1003' } })]);
    button(el, 'Drop Dan Diaz').focus();
    el.participants = [ALICE, makeCall({ id: 'p3', remote: { name: 'Carol Chen', number: '1003' } })];
    await el.updateComplete;
    expect(el.shadowRoot!.activeElement).to.equal(button(el, 'Drop Alice Anders'));
  });

  it('renders user text as text', async () => {
    const el = await conf([makeCall({ id: 'x', remote: { name: XSS, number: XSS } }), ALICE]);
    expect(article(el).getAttribute('aria-label')).to.equal(`Conference with ${XSS} and Alice Anders`);
    expect(text(el)).to.contain(XSS);
    expect(button(el, `Drop ${XSS}`)).to.exist;
    expect(el.shadowRoot!.querySelector('img')).to.be.null;
    expect((window as unknown as { __xss?: number }).__xss).to.be.undefined;
  });

  it('is accessible in dark mode', async () => {
    await emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
    await expect(await conf(undefined, { recording: true, muted: true, active: true })).to.be.accessible();
    await expect(await conf(undefined, { held: true })).to.be.accessible();
  });
});

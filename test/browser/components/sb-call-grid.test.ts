import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { emulateMedia, setViewport } from '@web/test-runner-commands';
import '../../../src/components/sb-call-grid.js';
import type { SbCallGrid } from '../../../src/components/sb-call-grid.js';
import type { SbCallCard } from '../../../src/components/sb-call-card.js';
import type { SbConferenceCard } from '../../../src/components/sb-conference-card.js';
import { button, hasButton, makeCall, text } from './helpers.js';

function cards(el: SbCallGrid): SbCallCard[] {
  return [...el.shadowRoot!.querySelectorAll('sb-call-card')];
}

function conferenceCards(el: SbCallGrid): SbConferenceCard[] {
  return [...el.shadowRoot!.querySelectorAll('sb-conference-card')];
}

function columns(el: SbCallGrid): number {
  const grid = el.shadowRoot!.querySelector('.grid')!;
  return getComputedStyle(grid).gridTemplateColumns.split(' ').length;
}

const THREE = [
  makeCall({ id: 'a', status: 'incoming', direction: 'incoming', remote: { name: 'Carol', number: '1003' } }),
  makeCall({ id: 'b', status: 'connected' }),
  makeCall({ id: 'c', status: 'held', remote: { name: 'Dan', number: '1004' } }),
];

describe('sb-call-grid', () => {
  afterEach(async () => {
    await setViewport({ width: 800, height: 600 });
    await emulateMedia({ colorScheme: 'light', reducedMotion: 'no-preference' });
  });

  it('shows "No calls" and "New Call" when empty', async () => {
    const el = await fixture<SbCallGrid>(html`<sb-call-grid></sb-call-grid>`);
    expect(text(el)).to.contain('No calls');
    expect(el.shadowRoot!.querySelector('h2')!.textContent).to.equal('No calls');
    setTimeout(() => button(el, 'New Call').click());
    const e = await oneEvent(el, 'sb-new-call');
    expect(e.type).to.equal('sb-new-call');
    await expect(el).to.be.accessible();
  });

  it('renders one card per call, in order, with active and dialpad state', async () => {
    const el = await fixture<SbCallGrid>(
      html`<sb-call-grid .calls=${THREE} active-id="b" .dialpadIds=${['b']}></sb-call-grid>`,
    );
    expect(hasButton(el, 'New Call')).to.be.false;
    const cs = cards(el);
    expect(cs.map((c) => c.call!.id)).to.deep.equal(['a', 'b', 'c']);
    expect(cs.map((c) => c.active)).to.deep.equal([false, true, false]);
    expect(cs.map((c) => c.showDialpad)).to.deep.equal([false, true, false]);
    await expect(el).to.be.accessible();
  });

  it('keeps each card element across updates (keyed by call id)', async () => {
    const el = await fixture<SbCallGrid>(html`<sb-call-grid .calls=${THREE}></sb-call-grid>`);
    const before = cards(el);
    el.calls = [THREE[2]!, { ...THREE[1]!, muted: true }];
    await el.updateComplete;
    const after = cards(el);
    expect(after[0]).to.equal(before[2]);
    expect(after[1]).to.equal(before[1]);
    expect(after[1]!.call!.muted).to.be.true;
  });

  it('card actions bubble out of the grid', async () => {
    const el = await fixture<SbCallGrid>(html`<sb-call-grid .calls=${THREE}></sb-call-grid>`);
    setTimeout(() => button(cards(el)[0]!, 'Answer').click());
    const e = await oneEvent(el, 'sb-call-action');
    expect(e.detail).to.deep.equal({ callId: 'a', action: 'answer' });
  });

  it('slotted cards count as content: no empty state', async () => {
    const el = await fixture<SbCallGrid>(html`<sb-call-grid><div>conversation</div></sb-call-grid>`);
    await el.updateComplete;
    expect(hasButton(el, 'New Call')).to.be.false;
  });

  it('one column at 360 px, three on a wide screen', async () => {
    await setViewport({ width: 360, height: 740 });
    const el = await fixture<SbCallGrid>(html`<sb-call-grid .calls=${THREE}></sb-call-grid>`);
    expect(columns(el)).to.equal(1);
    await setViewport({ width: 1280, height: 800 });
    expect(columns(el)).to.equal(3);
    await setViewport({ width: 800, height: 600 });
    expect(columns(el)).to.equal(2);
    await setViewport({ width: 2400, height: 1000 });
    expect(columns(el)).to.equal(3);
  });

  it('is accessible in dark mode', async () => {
    await emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
    const empty = await fixture<SbCallGrid>(html`<sb-call-grid></sb-call-grid>`);
    await expect(empty).to.be.accessible();
    const full = await fixture<SbCallGrid>(html`<sb-call-grid .calls=${THREE} active-id="b"></sb-call-grid>`);
    await expect(full).to.be.accessible();
  });
  describe('conferences and in-call options', () => {
    const alice = makeCall({ id: 'p1', remote: { name: 'Alice Anders', number: '1001' } });
    const dan = makeCall({ id: 'p2', remote: { name: 'Dan Diaz', number: '1004' } });
    const conference = { id: 'conf-1', participants: [alice, dan], muted: true, held: false, recording: true };

    it('renders conferences first, and a participant is not shown again as its own card', async () => {
      const el = await fixture<SbCallGrid>(
        html`<sb-call-grid .conferences=${[conference]} .calls=${[alice, THREE[1]!, dan]} active-id="conf-1"></sb-call-grid>`,
      );
      const grid = el.shadowRoot!.querySelector('.grid')!;
      expect([...grid.children].map((c) => c.localName)).to.deep.equal(['sb-conference-card', 'sb-call-card', 'slot']);
      const [conf] = conferenceCards(el);
      expect(conf!.id).to.equal('conf-1');
      expect(conf!.participants.map((p) => p.id)).to.deep.equal(['p1', 'p2']);
      expect([conf!.muted, conf!.held, conf!.recording, conf!.active]).to.deep.equal([true, false, true, true]);
      expect(cards(el).map((c) => c.call!.id)).to.deep.equal(['b']);
      await expect(el).to.be.accessible();
    });

    it('a conference without `recording` is not recording', async () => {
      const plain = { id: 'conf-1', participants: [alice, dan], muted: false, held: false };
      const el = await fixture<SbCallGrid>(html`<sb-call-grid .conferences=${[plain]}></sb-call-grid>`);
      expect(conferenceCards(el)[0]!.recording).to.be.false;
    });

    it('a conference alone is content: no empty state', async () => {
      const el = await fixture<SbCallGrid>(html`<sb-call-grid .conferences=${[conference]}></sb-call-grid>`);
      expect(hasButton(el, 'New Call')).to.be.false;
      expect(el.shadowRoot!.querySelector('.grid')!.hasAttribute('hidden')).to.be.false;
      el.conferences = [];
      await el.updateComplete;
      expect(hasButton(el, 'New Call')).to.be.true;
    });

    it('passes recording, consultation, mergeable and canSwitch to each card', async () => {
      const calls = [makeCall({ id: 'x', status: 'held' }), makeCall({ id: 'y' }), makeCall({ id: 'z' })];
      const consultations = {
        x: { role: 'original' as const, otherName: 'Dan Diaz' },
        y: { role: 'consultation' as const, otherName: 'Bob Baker' },
      };
      const el = await fixture<SbCallGrid>(html`<sb-call-grid
        .calls=${calls}
        .recordingIds=${['y']}
        .consultations=${consultations}
        .mergeableIds=${['z']}
        can-switch
      ></sb-call-grid>`);
      const cs = cards(el);
      expect(cs.map((c) => c.recording)).to.deep.equal([false, true, false]);
      expect(cs.map((c) => c.consultation)).to.deep.equal([consultations.x, consultations.y, null]);
      expect(cs.map((c) => c.mergeable)).to.deep.equal([false, false, true]);
      expect(cs.map((c) => c.canSwitch)).to.deep.equal([true, true, true]);
      expect(hasButton(cs[0]!, 'Switch Phone')).to.be.true;
      expect(hasButton(cs[1]!, 'Stop Recording')).to.be.true;
      expect(hasButton(cs[1]!, 'Complete Transfer')).to.be.true;
      expect(hasButton(cs[2]!, 'Merge')).to.be.true;
      el.canSwitch = false;
      await el.updateComplete;
      expect(hasButton(cs[0]!, 'Switch Phone')).to.be.false;
      await expect(el).to.be.accessible();
    });

    it('conference actions bubble out of the grid', async () => {
      const el = await fixture<SbCallGrid>(html`<sb-call-grid .conferences=${[conference]}></sb-call-grid>`);
      setTimeout(() => button(conferenceCards(el)[0]!, 'Drop Dan Diaz').click());
      const e = await oneEvent(el, 'sb-conference-action');
      expect(e.detail).to.deep.equal({ conferenceId: 'conf-1', action: 'drop', callId: 'p2' });
    });
  });
});

import { expect, fixture, html } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import '../../../src/components/sb-voicemail-list.js';
import {
  transcriptionText,
  voicemailFileName,
  VoicemailActionEvent,
  type SbVoicemailList,
  type VoicemailAction,
} from '../../../src/components/sb-voicemail-list.js';
import type { VoicemailEntry, VoicemailFolderName } from '../../../src/data/wire.js';
import { accessibleName, button, buttonNames, hasButton, roleOf, text, XSS } from './helpers.js';

const fmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function vm(id: string, over: Partial<VoicemailEntry> = {}): VoicemailEntry {
  return {
    id,
    mailbox: '1001',
    folder: 'new',
    caller_number: '1002',
    caller_name: 'Bob Baker',
    received_at: '2025-03-14T14:05:00Z',
    duration_s: 65,
    transcription: 'Hi, call me back about the invoice.',
    transcription_status: 'done',
    audio_url: `/api/v2/domains/demo/users/1001/voicemails/new/${id}/audio`,
    moved_by: null,
    moved_at: null,
    ...over,
  };
}

const BOB = vm('v1');
const CAROL = vm('v2', {
  caller_number: '+15550100',
  caller_name: '',
  received_at: '2025-03-13T09:41:00Z',
  duration_s: 3725,
  transcription: null,
  transcription_status: 'pending',
});
const DATE_BOB = fmt.format(new Date(BOB.received_at));
const DATE_CAROL = fmt.format(new Date(CAROL.received_at));

interface Options {
  messages?: VoicemailEntry[];
  folder?: VoicemailFolderName;
  loading?: boolean;
  audioUrls?: Map<string, string>;
  playing?: string | null;
  nameOf?: (n: string) => string;
}

async function list(o: Options = {}): Promise<SbVoicemailList> {
  return fixture<SbVoicemailList>(html`<sb-voicemail-list
    .messages=${o.messages ?? [BOB, CAROL]}
    .folder=${o.folder ?? 'new'}
    ?loading=${o.loading ?? false}
    .audioUrls=${o.audioUrls ?? new Map()}
    .playing=${o.playing ?? null}
    .nameOf=${o.nameOf ?? (() => '')}
  ></sb-voicemail-list>`);
}

const items = (el: SbVoicemailList) => [...el.shadowRoot!.querySelectorAll('li')];

/** A short, valid WAV (silence) as an object URL, so the player has something it can play. */
function silentWav(): string {
  const rate = 8000;
  const samples = rate / 2;
  const buf = new ArrayBuffer(44 + samples);
  const v = new DataView(buf);
  const str = (o: number, s: string) => [...s].forEach((c, i) => v.setUint8(o + i, c.charCodeAt(0)));
  str(0, 'RIFF');
  v.setUint32(4, 36 + samples, true);
  str(8, 'WAVE');
  str(12, 'fmt ');
  v.setUint32(16, 16, true);
  v.setUint16(20, 1, true);
  v.setUint16(22, 1, true);
  v.setUint32(24, rate, true);
  v.setUint32(28, rate, true);
  v.setUint16(32, 1, true);
  v.setUint16(34, 8, true);
  str(36, 'data');
  v.setUint32(40, samples, true);
  for (let i = 0; i < samples; i++) v.setUint8(44 + i, 128);
  return URL.createObjectURL(new Blob([buf], { type: 'audio/wav' }));
}

describe('sb-voicemail-list', () => {
  afterEach(() => emulateMedia({ colorScheme: 'light', reducedMotion: 'no-preference' }));

  it('lists each message with caller, number, time, duration and transcription', async () => {
    const el = await list();
    const li = items(el);
    expect(li).to.have.length(2);
    const ul = el.shadowRoot!.querySelector('ul')!;
    expect(roleOf(ul)).to.equal('list');
    expect(accessibleName(ul)).to.equal('New messages');

    expect(li[0]!.querySelector('.who .name')!.textContent).to.equal('Bob Baker');
    expect(li[0]!.querySelector('.who .number')!.textContent).to.equal('1002');
    expect(li[0]!.querySelector('time')!.textContent).to.equal(DATE_BOB);
    expect(li[0]!.querySelector('time')!.getAttribute('datetime')).to.equal(BOB.received_at);
    expect(li[0]!.querySelector('.duration [aria-hidden]')!.textContent).to.equal('01:05');
    expect(accessibleName(li[0]!.querySelector('.duration')!)).to.equal('1 minute 5 seconds');
    expect(li[0]!.querySelector('.transcription')!.textContent).to.equal('Hi, call me back about the invoice.');
    expect(li[0]!.querySelector('.transcription')!.classList.contains('status')).to.equal(false);

    // No name: the number, once (not again beside itself).
    expect(li[1]!.querySelector('.who .name')!.textContent).to.equal('+15550100');
    expect(li[1]!.querySelector('.who .number')).to.be.null;
    expect(li[1]!.querySelector('.duration [aria-hidden]')!.textContent).to.equal('1:02:05');
    expect(accessibleName(li[1]!.querySelector('.duration')!)).to.equal('1 hour 2 minutes 5 seconds');
    expect(li[1]!.querySelector('.transcription')!.textContent).to.equal('Transcribing…');
    expect(li[1]!.querySelector('.transcription')!.classList.contains('status')).to.equal(true);
    await expect(el).to.be.accessible();
  });

  it('a new message is marked "New" (for screen readers too); a saved one is not', async () => {
    const el = await list({ messages: [BOB, vm('v3', { folder: 'save' })], folder: 'new' });
    const [fresh, saved] = items(el);
    expect(fresh!.classList.contains('unheard')).to.equal(true);
    expect(fresh!.querySelector('.who')!.textContent!.replace(/\s+/g, ' ').trim()).to.equal('New: Bob Baker 1002');
    expect(saved!.classList.contains('unheard')).to.equal(false);
    expect(saved!.querySelector('.who')!.textContent).not.to.contain('New:');
  });

  it('the name from the directory or contacts comes first, then the call\'s, then the number', async () => {
    const el = await list({
      messages: [BOB, vm('v4', { caller_number: '1003', caller_name: '  ' }), vm('v5', { caller_number: '', caller_name: '' })],
      nameOf: (n) => (n === '1002' ? 'Robert Baker (Sales)' : ''),
    });
    const li = items(el);
    expect(li[0]!.querySelector('.name')!.textContent).to.equal('Robert Baker (Sales)');
    expect(li[0]!.querySelector('.number')!.textContent).to.equal('1002');
    expect(li[1]!.querySelector('.name')!.textContent).to.equal('1003');
    expect(li[2]!.querySelector('.name')!.textContent).to.equal('Unknown caller');
    expect(hasButton(el, `Delete message from Robert Baker (Sales), ${DATE_BOB}`)).to.equal(true);
    expect(hasButton(el, 'Call back Robert Baker (Sales)')).to.equal(true);
    // Without a number there is nobody to call back.
    expect(li[2]!.textContent).not.to.contain('Call back');
    expect(buttonNames(el).filter((n) => n.startsWith('Call back'))).to.deep.equal(['Call back Robert Baker (Sales)', 'Call back 1003']);
  });

  it('transcription line: "Transcribing…", the text, or "No transcription"', async () => {
    expect(transcriptionText({ transcription: null, transcription_status: 'pending' })).to.equal('Transcribing…');
    expect(transcriptionText({ transcription: '  Hello there \n', transcription_status: 'done' })).to.equal('Hello there');
    expect(transcriptionText({ transcription: '   ', transcription_status: 'done' })).to.equal('No transcription');
    expect(transcriptionText({ transcription: null, transcription_status: 'done' })).to.equal('No transcription');
    expect(transcriptionText({ transcription: 'stale', transcription_status: 'failed' })).to.equal('No transcription');
    expect(transcriptionText({ transcription: null, transcription_status: 'none' })).to.equal('No transcription');
    const el = await list({ messages: [vm('v6', { transcription: null, transcription_status: 'failed' }), vm('v7', { transcription: '   ', transcription_status: 'done' })] });
    for (const line of el.shadowRoot!.querySelectorAll('.transcription')) {
      expect(line.textContent).to.equal('No transcription');
      expect(line.classList.contains('status'), 'styled as a status, not as words said').to.equal(true);
    }
  });

  it('each action button names the message and fires sb-voicemail-action {action, entry}', async () => {
    const el = await list();
    const fired: Array<{ action: VoicemailAction; id: string; type: string }> = [];
    // Listened to outside the element: the event bubbles and is composed.
    const outer = el.parentElement!;
    outer.addEventListener('sb-voicemail-action', (e) => {
      expect(e).to.be.instanceOf(VoicemailActionEvent);
      fired.push({ action: e.detail.action, id: e.detail.entry.id, type: e.type });
    });
    const about = `message from Bob Baker, ${DATE_BOB}`;
    button(el, `Play ${about}`).click();
    button(el, 'Call back Bob Baker').click();
    button(el, `Save ${about}`).click();
    button(el, `Download ${about}`).click();
    button(el, `Delete ${about}`).click();
    button(el, `Delete message from +15550100, ${DATE_CAROL}`).click();
    expect(fired).to.deep.equal([
      { action: 'play', id: 'v1', type: 'sb-voicemail-action' },
      { action: 'call', id: 'v1', type: 'sb-voicemail-action' },
      { action: 'save', id: 'v1', type: 'sb-voicemail-action' },
      { action: 'download', id: 'v1', type: 'sb-voicemail-action' },
      { action: 'delete', id: 'v1', type: 'sb-voicemail-action' },
      { action: 'delete', id: 'v2', type: 'sb-voicemail-action' },
    ]);
    // The visible labels are the short ones.
    const actions = items(el)[0]!.querySelector('.actions')!;
    expect([...actions.querySelectorAll('button')].map((b) => b.textContent!.trim())).to.deep.equal(['Play', 'Call back', 'Save', 'Download', 'Delete']);
  });

  it('a saved message offers Mark new instead of Save', async () => {
    const saved = vm('v7', { folder: 'save' });
    const el = await list({ messages: [saved], folder: 'save' });
    expect(accessibleName(el.shadowRoot!.querySelector('ul')!)).to.equal('Saved messages');
    const about = `message from Bob Baker, ${DATE_BOB}`;
    expect(hasButton(el, `Save ${about}`)).to.equal(false);
    let got: { action: VoicemailAction; entry: VoicemailEntry } | undefined;
    el.addEventListener('sb-voicemail-action', (e) => (got = e.detail));
    button(el, `Mark new ${about}`).click();
    expect(got?.action).to.equal('mark-new');
    expect(got?.entry).to.equal(saved);
    await expect(el).to.be.accessible();
  });

  it('the player shows only for messages whose audio is loaded, in place of Play', async () => {
    const url = silentWav();
    const el = await list({ audioUrls: new Map([['v2', url]]) });
    const players = [...el.shadowRoot!.querySelectorAll('audio')];
    expect(players).to.have.length(1);
    expect(players[0]!.dataset.id).to.equal('v2');
    expect(players[0]!.getAttribute('src')).to.equal(url);
    expect(players[0]!.controls).to.equal(true);
    expect(accessibleName(players[0]!)).to.equal(`Voicemail message from +15550100, ${DATE_CAROL}`);
    expect(items(el)[1]!.contains(players[0]!)).to.equal(true);
    expect(hasButton(el, `Play message from +15550100, ${DATE_CAROL}`)).to.equal(false);
    expect(hasButton(el, `Play message from Bob Baker, ${DATE_BOB}`)).to.equal(true);
    await expect(el).to.be.accessible();
    URL.revokeObjectURL(url);
  });

  describe('playing', () => {
    const original = HTMLMediaElement.prototype.play;
    let started: string[] = [];
    beforeEach(() => {
      started = [];
      HTMLMediaElement.prototype.play = function (this: HTMLMediaElement) {
        started.push(this.dataset.id ?? '');
        return Promise.resolve();
      };
    });
    afterEach(() => (HTMLMediaElement.prototype.play = original));

    it('the player of `playing` starts once its audio is given, and no other', async () => {
      const el = await list({ playing: 'v1', audioUrls: new Map([['v2', silentWav()]]) });
      expect(started, 'v1 has no audio yet; v2 is not the one asked for').to.deep.equal([]);
      el.audioUrls = new Map([['v2', el.audioUrls.get('v2')!], ['v1', silentWav()]]);
      await el.updateComplete;
      expect(started).to.deep.equal(['v1']);
    });

    it('pressing Play on another loaded message starts that one', async () => {
      const el = await list({ audioUrls: new Map([['v1', silentWav()], ['v2', silentWav()]]) });
      expect(started).to.deep.equal([]);
      el.playing = 'v2';
      await el.updateComplete;
      expect(started).to.deep.equal(['v2']);
    });
  });

  it('empty: "No new messages" / "No saved messages"', async () => {
    const el = await list({ messages: [] });
    expect(text(el)).to.equal('No new messages');
    expect(el.shadowRoot!.querySelector('ul')).to.be.null;
    await expect(el).to.be.accessible();
    el.folder = 'save';
    await el.updateComplete;
    expect(text(el)).to.equal('No saved messages');
  });

  it('loading: a status, and no empty state until it is done; listed messages stay while loading', async () => {
    const el = await list({ messages: [], loading: true });
    const status = el.shadowRoot!.querySelector('.loading')!;
    expect(roleOf(status)).to.equal('status');
    expect(status.textContent).to.equal('Loading voicemail…');
    expect(text(el)).not.to.contain('No new messages');
    el.loading = false;
    await el.updateComplete;
    expect(text(el)).to.equal('No new messages');
    el.loading = true;
    el.messages = [BOB];
    await el.updateComplete;
    expect(items(el)).to.have.length(1);
    expect(text(el)).not.to.contain('Loading voicemail');
  });

  it('renders caller and transcription as text, never as HTML', async () => {
    const el = await list({
      messages: [vm('x1', { caller_name: XSS, caller_number: XSS, transcription: XSS }), vm('x2', { caller_name: '', caller_number: '1009', transcription: XSS })],
      nameOf: (n) => (n === '1009' ? XSS : ''),
      audioUrls: new Map([['x1', silentWav()]]),
    });
    expect(el.shadowRoot!.querySelector('img')).to.be.null;
    expect(items(el)[0]!.querySelector('.name')!.textContent).to.equal(XSS);
    expect(items(el)[0]!.querySelector('.transcription')!.textContent).to.equal(XSS);
    expect(items(el)[1]!.querySelector('.name')!.textContent).to.equal(XSS);
    expect(accessibleName(el.shadowRoot!.querySelector('audio')!)).to.contain(`Voicemail message from ${XSS}`);
    expect(hasButton(el, `Call back ${XSS}`)).to.equal(true);
    await new Promise((r) => setTimeout(r, 20));
    expect((window as unknown as { __xss?: number }).__xss).to.be.undefined;
  });

  it('voicemailFileName: date, caller, and only safe characters', () => {
    const d = new Date(BOB.received_at);
    const two = (n: number) => String(n).padStart(2, '0');
    const when = `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}-${two(d.getHours())}${two(d.getMinutes())}`;
    expect(voicemailFileName(BOB)).to.equal(`voicemail-${when}-bob-baker.ogg`);
    expect(voicemailFileName(BOB, 'Zoë O\'Brien / "HQ"')).to.equal(`voicemail-${when}-zoe-o-brien-hq.ogg`);
    expect(voicemailFileName({ ...BOB, caller_name: '   ', caller_number: '+1 555 0100' })).to.equal(`voicemail-${when}-+1-555-0100.ogg`);
    expect(voicemailFileName({ received_at: 'nope', caller_name: '../../etc/passwd', caller_number: '' })).to.equal('voicemail-etc-passwd.ogg');
    expect(voicemailFileName({ received_at: 'nope', caller_name: '', caller_number: '' })).to.equal('voicemail.ogg');
    const long = voicemailFileName({ received_at: 'nope', caller_name: 'a'.repeat(100), caller_number: '' });
    expect(long).to.equal(`voicemail-${'a'.repeat(40)}.ogg`);
    expect(voicemailFileName({ received_at: 'nope', caller_name: XSS, caller_number: '' })).to.match(/^voicemail-[a-z0-9+-]+\.ogg$/);
  });

  it('is accessible in dark mode, with a player and both kinds of messages', async () => {
    await emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
    const el = await list({ messages: [BOB, CAROL, vm('v8', { folder: 'save', transcription_status: 'failed' })], audioUrls: new Map([['v1', silentWav()]]) });
    expect(matchMedia('(prefers-color-scheme: dark)').matches).to.equal(true);
    await expect(el).to.be.accessible();
    const empty = await list({ messages: [], folder: 'save' });
    await expect(empty).to.be.accessible();
  });
});

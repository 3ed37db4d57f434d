import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import '../../../src/components/sb-recordings-list.js';
import { downloadName, type RecordingItem, type SbRecordingsList } from '../../../src/components/sb-recordings-list.js';
import { accessibleName, button, hasButton, roleOf, text, XSS } from './helpers.js';

const RECORDINGS: RecordingItem[] = [
  { id: 'r1', remoteName: 'Bob Baker', remoteNumber: '1002', startedAt: '2025-03-14T14:05:00Z', durationS: 125, audioUrl: '/api/r1.webm' },
  {
    id: 'r2',
    remoteName: '',
    remoteNumber: '+15550100',
    startedAt: '2025-03-13T09:41:00Z',
    durationS: 3725,
    owner: 'Alice Anders',
    audioUrl: '/api/r2.webm',
  },
];

const fmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

async function list(o: { recordings?: RecordingItem[]; loading?: boolean; error?: string } = {}): Promise<SbRecordingsList> {
  return fixture<SbRecordingsList>(html`<sb-recordings-list
    .recordings=${o.recordings ?? RECORDINGS}
    ?loading=${o.loading ?? false}
    error=${o.error ?? ''}
  ></sb-recordings-list>`);
}

describe('sb-recordings-list', () => {
  afterEach(() => emulateMedia({ colorScheme: 'light', reducedMotion: 'no-preference' }));

  it('a list with date, who, duration and owner', async () => {
    const el = await list();
    const items = [...el.shadowRoot!.querySelectorAll('li')];
    expect(items).to.have.length(2);
    expect(roleOf(el.shadowRoot!.querySelector('ul')!)).to.equal('list');
    expect(items[0]!.querySelector('.who .name')!.textContent).to.equal('Bob Baker');
    expect(items[0]!.querySelector('.who .number')!.textContent).to.equal('1002');
    expect(items[0]!.querySelector('time')!.textContent).to.equal(fmt.format(new Date('2025-03-14T14:05:00Z')));
    expect(items[0]!.querySelector('time')!.getAttribute('datetime')).to.equal('2025-03-14T14:05:00Z');
    expect(accessibleName(items[0]!.querySelector('.duration')!)).to.equal('2 minutes 5 seconds');
    expect(items[0]!.querySelector('.duration [aria-hidden]')!.textContent).to.equal('02:05');
    expect(items[1]!.querySelector('.duration [aria-hidden]')!.textContent).to.equal('1:02:05');
    expect(items[1]!.querySelector('.who')!.textContent!.trim()).to.equal('+15550100');
    expect(items[1]!.textContent).to.contain('Recorded by Alice Anders');
    expect(items[0]!.textContent).not.to.contain('Recorded by');
    await expect(el).to.be.accessible();
  });

  it('a native player per recording, labelled, loading nothing until played', async () => {
    const el = await list();
    const players = [...el.shadowRoot!.querySelectorAll('audio')];
    expect(players).to.have.length(2);
    expect(players[0]!.controls).to.be.true;
    expect(players[0]!.getAttribute('preload')).to.equal('none');
    expect(players[0]!.getAttribute('src')).to.equal('/api/r1.webm');
    expect(accessibleName(players[0]!)).to.equal(`Recording of call with Bob Baker, ${fmt.format(new Date('2025-03-14T14:05:00Z'))}`);
    expect(accessibleName(players[1]!)).to.equal(`Recording of call with +15550100, ${fmt.format(new Date('2025-03-13T09:41:00Z'))}`);
  });

  it('a Download link per playable recording, with a file name of our own', async () => {
    const el = await list({ recordings: [{ ...RECORDINGS[0]!, remoteName: 'Zoë O\'Brien / "HQ"', contentType: 'audio/ogg' }, RECORDINGS[1]!, { ...RECORDINGS[0]!, id: 'r3', audioUrl: '' }] });
    const links = [...el.shadowRoot!.querySelectorAll<HTMLAnchorElement>('a[download]')];
    expect(links).to.have.length(2, 'none for a recording whose audio could not be fetched');
    expect(links[0]!.getAttribute('href')).to.equal('/api/r1.webm');
    expect(links[0]!.textContent!.trim()).to.equal('Download');
    expect(accessibleName(links[0]!)).to.equal(`Download recording of call with Zoë O'Brien / "HQ", ${fmt.format(new Date('2025-03-14T14:05:00Z'))}`);
    expect(links[0]!.getAttribute('download')).to.match(/^recording-2025-03-1\d-\d{4}-zoe-o-brien-hq\.ogg$/);
    expect(links[1]!.getAttribute('download')).to.match(/^recording-2025-03-1\d-\d{4}-\+15550100\.webm$/);
    expect(text(el)).to.contain('The audio cannot be played right now.');
    await expect(el).to.be.accessible();
  });

  it('names downloads safely whatever the name holds', () => {
    expect(downloadName({ startedAt: 'nope', remoteName: '../../etc/passwd', remoteNumber: '', contentType: 'audio/webm' })).to.equal('recording-etc-passwd.webm');
    expect(downloadName({ startedAt: 'nope', remoteName: '', remoteNumber: '', contentType: undefined })).to.equal('recording.webm');
  });

  it('a duration the phone could not tell says so instead of 00:00', async () => {
    const el = await list({ recordings: [{ ...RECORDINGS[0]!, durationS: null }] });
    expect(el.shadowRoot!.querySelector('.duration')!.textContent!.trim()).to.equal('Length unknown');
  });

  it('Delete on deletable recordings asks first, then fires sb-recording-delete {id, owner}', async () => {
    const el = await list({ recordings: [{ ...RECORDINGS[0]!, deletable: true }, { ...RECORDINGS[1]!, owner: '1001', deletable: true }, { ...RECORDINGS[0]!, id: 'r3' }] });
    const date0 = fmt.format(new Date('2025-03-14T14:05:00Z'));
    const date1 = fmt.format(new Date('2025-03-13T09:41:00Z'));
    expect(hasButton(el, `Delete recording of call with Bob Baker, ${date0}`)).to.equal(true);
    expect(el.shadowRoot!.querySelectorAll('li')[2]!.querySelector('button'), 'not deletable: no Delete').to.be.null;

    let fired = 0;
    el.addEventListener('sb-recording-delete', () => fired++);
    button(el, `Delete recording of call with Bob Baker, ${date0}`).click();
    await el.updateComplete;
    expect(fired, 'nothing is deleted before the confirmation').to.equal(0);
    expect(text(el)).to.contain('Delete this recording?');
    await expect(el).to.be.accessible();
    button(el, 'Keep').click();
    await el.updateComplete;
    expect(text(el)).not.to.contain('Delete this recording?');

    button(el, `Delete recording of call with Bob Baker, ${date0}`).click();
    await el.updateComplete;
    setTimeout(() => button(el, 'Yes, delete').click());
    const e = await oneEvent(el, 'sb-recording-delete');
    expect(e.detail).to.deep.equal({ id: 'r1' });

    button(el, `Delete recording of call with +15550100, ${date1}`).click();
    await el.updateComplete;
    setTimeout(() => button(el, 'Yes, delete').click());
    expect((await oneEvent(el, 'sb-recording-delete')).detail).to.deep.equal({ id: 'r2', owner: '1001' });
  });

  it('empty: "No recordings yet"', async () => {
    const el = await list({ recordings: [] });
    expect(text(el)).to.equal('No recordings yet');
    await expect(el).to.be.accessible();
  });

  it('loading: a status, and no empty state yet', async () => {
    const el = await list({ recordings: [], loading: true });
    const status = el.shadowRoot!.querySelector('.status')!;
    expect(roleOf(status)).to.equal('status');
    expect(status.textContent!.trim()).to.equal('Loading recordings…');
    expect(text(el)).not.to.contain('No recordings yet');
    el.loading = false;
    await el.updateComplete;
    expect(status.textContent!.trim()).to.equal('');
    expect(text(el)).to.contain('No recordings yet');
  });

  it('error: an alert, and no empty state', async () => {
    const el = await list({ recordings: [], error: 'Could not load recordings' });
    const alert = el.shadowRoot!.querySelector('.alert')!;
    expect(roleOf(alert)).to.equal('alert');
    expect(alert.textContent!.trim()).to.equal('Could not load recordings');
    expect(text(el)).not.to.contain('No recordings yet');
    await expect(el).to.be.accessible();
  });

  it('a start that is not a date is shown as given', async () => {
    const el = await list({ recordings: [{ ...RECORDINGS[0]!, startedAt: 'yesterday' }] });
    expect(el.shadowRoot!.querySelector('time')!.textContent).to.equal('yesterday');
  });

  it('renders user text as text', async () => {
    const el = await list({ recordings: [{ ...RECORDINGS[0]!, remoteName: XSS, owner: XSS }], error: XSS });
    expect(text(el)).to.contain(XSS);
    expect(accessibleName(el.shadowRoot!.querySelector('audio')!)).to.contain(`Recording of call with ${XSS}`);
    expect(el.shadowRoot!.querySelector('img')).to.be.null;
    expect((window as unknown as { __xss?: number }).__xss).to.be.undefined;
  });

  it('is accessible in dark mode', async () => {
    await emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
    await expect(await list()).to.be.accessible();
  });
});

import { expect } from '@open-wc/testing';
import { ContextProvider } from '@lit/context';
import { recordingsApiContext, sessionContext } from '../../../src/app/contexts.js';
import { ApiError } from '../../../src/data/http.js';
import type { RecordingsResource } from '../../../src/data/resources/recordings.js';
import type { RecordingInfo } from '../../../src/data/wire.js';
import type { Session } from '../../../src/state/session.js';
import '../../../src/views/recordings/sb-recordings-view.js';
import type { SbRecordingsView } from '../../../src/views/recordings/sb-recordings-view.js';
import { button, hasButton, text, until } from '../components/helpers.js';

const rec = (id: string, extension: string, over: Partial<RecordingInfo> = {}): RecordingInfo => ({
  id, domain: 'demo', cdr_id: null, created_at: '2025-03-14T14:06:00Z', audio_url: `/api/v2/domains/demo/users/${extension}/recordings/${id}/audio`, call_id: `${id}@x`, extension, remote_number: '1002', remote_name: 'Bob Baker', started_at: '2025-03-14T14:05:00Z',
  duration_s: 65, bytes: 10, content_type: 'audio/webm', ...over,
});

class FakeApi implements Pick<RecordingsResource, 'mine' | 'domain' | 'audio' | 'delete'> {
  myRecordings: RecordingInfo[] = [rec('r1', '1001'), rec('r2', '1001', { duration_s: null, started_at: '2025-03-13T09:41:00Z' })];
  domainRecordings: RecordingInfo[] = [rec('r1', '1001'), rec('r9', '1002', { remote_number: '1001', remote_name: 'Alice Anders' })];
  deleted: Array<[string, string]> = [];
  refuse = false;
  async mine() { return { items: this.myRecordings, next_cursor: null }; }
  async domain() { return { items: this.domainRecordings, next_cursor: null }; }
  async audio() { return new Blob(['x'], { type: 'audio/webm' }); }
  async delete(id: string, owner: string) {
    if (this.refuse) throw new ApiError('http', 'You may not access this resource', 403, 'forbidden');
    this.deleted.push([id, owner]);
  }
}

async function mount(role: 'user' | 'admin' = 'user') {
  const api = new FakeApi();
  const session = { user: { domain: 'demo', extension: role === 'admin' ? '1005' : '1001', first_name: 'A', last_name: 'B', role } } as unknown as Session;
  const host = document.body.appendChild(document.createElement('div'));
  new ContextProvider(host, { context: sessionContext, initialValue: session });
  new ContextProvider(host, { context: recordingsApiContext, initialValue: api as unknown as RecordingsResource });
  const view = document.createElement('sb-recordings-view') as SbRecordingsView;
  host.append(view);
  const list = () => view.shadowRoot!.querySelector('sb-recordings-list')!;
  await until(() => list() && list().recordings.length > 0);
  await list().updateComplete;
  return { api, view, list };
}

async function confirmDelete(list: HTMLElement & { updateComplete: Promise<unknown> }, name: string) {
  button(list, name).click();
  await list.updateComplete;
  button(list, 'Yes, delete').click();
}

describe('sb-recordings-view', () => {
  it('shows duration, Download and Delete for my recordings; deleting removes it', async () => {
    const { api, list } = await mount();
    expect(text(list())).to.contain('Length unknown');
    expect(list().shadowRoot!.querySelectorAll('a[download]')).to.have.length(2);
    expect(list().recordings.every((r) => r.deletable)).to.equal(true);
    const name = [...list().shadowRoot!.querySelectorAll('button')].map((b) => b.getAttribute('aria-label')).find((n) => n?.startsWith('Delete recording'))!;
    await confirmDelete(list(), name);
    await until(() => list().recordings.length === 1);
    expect(api.deleted).to.deep.equal([['r1', '~']]);
    expect(list().recordings.map((r) => r.id)).to.deep.equal(['r2']);
  });

  it('an administrator deletes anyone\'s, through the owner\'s path', async () => {
    const { api, list } = await mount('admin');
    expect(list().recordings.map((r) => [r.id, r.owner, r.deletable])).to.deep.equal([['r1', '1001', true], ['r9', '1002', true]]);
    const name = [...list().shadowRoot!.querySelectorAll('button')].map((b) => b.getAttribute('aria-label')).find((n) => n?.includes('Alice Anders'))!;
    await confirmDelete(list(), name);
    await until(() => list().recordings.length === 1);
    expect(api.deleted).to.deep.equal([['r9', '1002']]);
  });

  it('a refused delete keeps the recording and says why', async () => {
    const { api, list } = await mount();
    api.refuse = true;
    const name = [...list().shadowRoot!.querySelectorAll('button')].map((b) => b.getAttribute('aria-label')).find((n) => n?.startsWith('Delete recording'))!;
    await confirmDelete(list(), name);
    await until(() => text(list()).includes('could not be deleted'));
    expect(text(list())).to.contain('The recording could not be deleted: You may not access this resource');
    expect(list().recordings).to.have.length(2);
    expect(hasButton(list(), 'Yes, delete')).to.equal(false);
  });
});

import { expect } from '@open-wc/testing';
import { ContextProvider } from '@lit/context';
import { areaServicesContext, directoryContext, sessionContext } from '../../../src/app/contexts.js';
import { BADGE_CHANGED } from '../../../src/areas/area.js';
import { messagesArea } from '../../../src/views/messages/area.js';
import { NavigateRequestEvent } from '../../../src/areas/navigate-request.js';
import type { MessageSessionView, MessageView, NewMessageSession, Page } from '../../../src/data/wire.js';
import { Conversations, type MessageQueue } from '../../../src/state/conversations.js';
import type { Directory } from '../../../src/state/directory.js';
import type { Session } from '../../../src/state/session.js';
import '../../../src/views/messages/sb-messages-view.js';
import type { SbMessagesView } from '../../../src/views/messages/sb-messages-view.js';
import { accessibleName, button, deepAll, field, roleOf, text, typeInto, until } from '../components/helpers.js';

const bob = { kind: 'user' as const, extension: '1002', name: 'Bob Baker' };

function conv(id: string, over: Partial<MessageSessionView> = {}): MessageSessionView {
  return { id, kind: 'chat', participants: [bob], local_number: null, last_message: null, unread: 0, updated_at: '2025-03-14T10:00:00Z', ...over };
}
const last = (text: string, session: string): MessageView => ({ id: `m-${session}`, client_id: 'c', session_id: session, type: 'chat', direction: 'inbound', sender: bob, text, attachments: [], status: 'sent', failure_reason: null, sent_at: '2025-03-14T10:00:00Z' });

class FakeApi {
  sessions: MessageSessionView[] = [
    conv('a', { updated_at: '2025-03-14T09:00:00Z', last_message: last('Lunch?', 'a'), unread: 2 }),
    conv('b', { participants: [{ kind: 'number', number: '+15550100199', name: '' }], kind: 'sms', local_number: '+15550100000', updated_at: '2025-03-14T11:00:00Z', last_message: last('Your order shipped', 'b') }),
  ];
  created: NewMessageSession[] = [];
  removed: string[] = [];
  smsEnabled = true;
  async list(): Promise<MessageSessionView[]> { return this.sessions; }
  async get(id: string) { return this.sessions.find((s) => s.id === id)!; }
  async create(body: NewMessageSession) {
    this.created.push(body);
    const s = conv(`new${this.created.length}`, { participants: body.participants.map((p) => (p.kind === 'user' ? { ...p, name: p.extension } : { ...p, name: '' })) });
    return s;
  }
  async remove(id: string) { this.removed.push(id); }
  async addParticipant(id: string) { return this.get(id); }
  async markRead() {}
  async typing() {}
  async messages(): Promise<Page<MessageView, string>> { return { items: [], next_cursor: null }; }
  async retry(): Promise<MessageView> { throw new Error('no'); }
  async upload(): Promise<never> { throw new Error('no'); }
  async attachment() { return new Blob(); }
  async sms() { return { enabled: this.smsEnabled, numbers: [] }; }
}

const queue: MessageQueue = { hooks: {}, queue: async () => undefined, flush: async () => undefined, stop: () => undefined, pending: async () => [] };

async function mount(api = new FakeApi()) {
  const session = Object.assign(new EventTarget(), { state: 'signed-in', user: { extension: '1001', domain: 'demo' }, displayName: 'Alice Adams' });
  const cards = new Map<string, string[]>();
  const store = new Conversations(api, session, new EventTarget(), queue, undefined, { load: (o) => cards.get(o) ?? [], save: (o, ids) => void cards.set(o, ids) });
  const directory = Object.assign(new EventTarget(), { entries: [
    { extension: '1001', name: 'Alice Adams', online: true },
    { extension: '1002', name: 'Bob Baker', online: true },
    { extension: '1003', name: 'Carol Chen', online: false },
  ] }) as unknown as Directory;
  const host = document.body.appendChild(document.createElement('div'));
  new ContextProvider(host, { context: areaServicesContext, initialValue: { conversations: store } });
  new ContextProvider(host, { context: directoryContext, initialValue: directory });
  new ContextProvider(host, { context: sessionContext, initialValue: session as unknown as Session });
  const view = document.createElement('sb-messages-view') as SbMessagesView;
  host.append(view);
  await until(() => store.sessions.length === 2 && store.sms !== null);
  await view.updateComplete;
  const navigations: string[] = [];
  host.addEventListener(NavigateRequestEvent.eventName, (e) => navigations.push((e as NavigateRequestEvent).detail.area));
  return { api, store, view, host, navigations };
}

const rows = (view: SbMessagesView) => [...view.shadowRoot!.querySelectorAll('ul.list > li button.open')].map((b) => accessibleName(b));
const options = (view: SbMessagesView) => [...view.shadowRoot!.querySelectorAll('[role=option]')].map((o) => o.textContent!.trim());

describe('sb-messages-view (Chat and SMS)', () => {
  afterEach(() => document.body.replaceChildren());

  it('lists conversations newest first with names, last message and unread; the badge is the unread count', async () => {
    const { view, store } = await mount();
    expect(rows(view)).to.deep.equal([
      '+1 555 010 0199 (text message): Your order shipped',
      'Bob Baker, 2 unread: Lunch?',
    ]);
    expect(messagesArea.badge?.({ conversations: store })?.count).to.equal(2);
    expect(messagesArea.path).to.equal('/messages');
    expect(messagesArea.label).to.equal('Chat and SMS');
    let fired = false;
    store.addEventListener(BADGE_CHANGED, () => (fired = true));
    store.markRead('a');
    expect(fired).to.equal(true);
    expect(store.count).to.equal(0);
  });

  it('searches, opens a card on click, and deletes only after confirming', async () => {
    const { view, store, api, navigations } = await mount();
    typeInto(field(view, 'Search conversations'), 'bob');
    await view.updateComplete;
    expect(rows(view)).to.deep.equal(['Bob Baker, 2 unread: Lunch?']);
    (view.shadowRoot!.querySelector('ul.list > li button.open') as HTMLButtonElement).click();
    expect(store.open).to.deep.equal(['a']);
    expect(navigations).to.deep.equal(['calls']);
    button(view, 'Delete conversation with Bob Baker').click();
    await view.updateComplete;
    expect(api.removed).to.deep.equal([]);
    button(view, 'Delete conversation').click();
    await until(() => api.removed.length === 1);
    expect(store.sessions.map((s) => s.id)).to.deep.equal(['b']);
    expect(store.open).to.deep.equal([]);
  });

  it('New Conversation: a colleague suggestion, a whole number as E.164, the check mark POSTs the participants', async () => {
    const { view, api, store } = await mount();
    button(view, 'New Conversation').click();
    await view.updateComplete;
    const to = field(view, 'To');
    expect(roleOf(to)).to.equal('combobox');
    typeInto(to, 'car');
    await view.updateComplete;
    expect(options(view)).to.deep.equal(['Carol Chen (1003)']);
    (view.shadowRoot!.querySelector('[role=option]') as HTMLElement).click();
    await view.updateComplete;
    typeInto(to, '1002');
    await view.updateComplete;
    expect(options(view)).to.deep.equal(['Bob Baker (1002)']);
    to.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true }));
    await view.updateComplete;
    button(view, 'Remove Carol Chen (1003)');
    button(view, 'Start conversation').click();
    await until(() => api.created.length === 1);
    expect(api.created[0]).to.deep.equal({ participants: [{ kind: 'user', extension: '1003' }, { kind: 'user', extension: '1002' }] });
    await until(() => store.open.length === 1);

    button(view, 'New Conversation').click();
    await view.updateComplete;
    typeInto(field(view, 'To'), '(555) 010-0199');
    await view.updateComplete;
    expect(options(view)).to.deep.equal(['Text +1 555 010 0199']);
    (view.shadowRoot!.querySelector('[role=option]') as HTMLElement).click();
    await view.updateComplete;
    button(view, 'Start conversation').click();
    await until(() => api.created.length === 2);
    expect(api.created[1]).to.deep.equal({ participants: [{ kind: 'number', number: '+15550100199' }] });
  });

  it('refuses an invalid number in words, and needs the suggestion picked', async () => {
    const { view, api } = await mount();
    button(view, 'New Conversation').click();
    await view.updateComplete;
    typeInto(field(view, 'To'), '555 0100 19');
    await view.updateComplete;
    expect(options(view)).to.deep.equal([]);
    expect(text(view)).to.contain('Type the whole number: 10 digits');
    typeInto(field(view, 'To'), '+1 555 010');
    await view.updateComplete;
    expect(text(view)).to.contain('A North American number has 10 digits after +1.');
    typeInto(field(view, 'To'), 'zzz');
    await view.updateComplete;
    expect(text(view)).to.contain('No colleague matches "zzz", and it is not a phone number.');
    button(view, 'Start conversation').click();
    await view.updateComplete;
    expect(api.created).to.deep.equal([]);
    // Typed but not picked: the suggestion has to be clicked first.
    typeInto(field(view, 'To'), '5550100199');
    await view.updateComplete;
    button(view, 'Start conversation').click();
    await view.updateComplete;
    expect(text(view)).to.contain('Pick a suggestion first, then the check mark.');
    expect(api.created).to.deep.equal([]);
  });

  it('says SMS is not enabled when picking a number without SMS', async () => {
    const api = new FakeApi();
    api.smsEnabled = false;
    const { view } = await mount(api);
    button(view, 'New Conversation').click();
    await view.updateComplete;
    typeInto(field(view, 'To'), '5550100199');
    await view.updateComplete;
    (view.shadowRoot!.querySelector('[role=option]') as HTMLElement).click();
    await view.updateComplete;
    expect(text(view)).to.contain('SMS is not enabled for your organisation.');
    expect(deepAll(view, '.chip')).to.have.length(0);
  });
});

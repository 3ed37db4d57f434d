import { expect } from '@open-wc/testing';
import { deleteDB } from 'idb';
import { BADGE_CHANGED } from '../../../src/areas/area.js';
import { openSwitchboardDB } from '../../../src/data/db.js';
import { PlatformEventMessage, type PlatformEvent } from '../../../src/data/events.js';
import { ApiError } from '../../../src/data/http.js';
import { MessageOutbox } from '../../../src/data/message-outbox.js';
import { IdbConversationCache } from '../../../src/data/conversation-cache.js';
import type { MessageSessionView, MessageView, NewMessage, NewMessageSession, Page } from '../../../src/data/wire.js';
import { Conversations, IncomingMessageEvent, type CardStorage } from '../../../src/state/conversations.js';

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));
async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await tick(5);
  }
}

const bob = { kind: 'user' as const, extension: '1002', name: 'Bob Baker' };
const me = { kind: 'user' as const, extension: '1001', name: 'Alice Adams' };

function conv(id: string, over: Partial<MessageSessionView> = {}): MessageSessionView {
  return { id, kind: 'chat', participants: [bob], local_number: null, last_message: null, unread: 0, updated_at: '2025-03-14T10:00:00Z', ...over };
}

function msg(id: string, session: string, over: Partial<MessageView> = {}): MessageView {
  return { id, client_id: `c-${id}`, session_id: session, type: 'chat', direction: 'inbound', sender: bob, text: `text ${id}`, attachments: [], status: 'sent', failure_reason: null, sent_at: '2025-03-14T10:00:00Z', ...over };
}

/** The message sessions resource in memory; `offline` makes every call fail as unreachable. */
class FakeApi {
  sessions: MessageSessionView[] = [];
  pages = new Map<string, MessageView[]>();
  sent: Array<{ id: string; body: NewMessage }> = [];
  stored = new Map<string, MessageView>();
  created: NewMessageSession[] = [];
  reads: Array<[string, string]> = [];
  typings: string[] = [];
  offline = false;
  refuse = '';
  seq = 100;

  private check(): void {
    if (this.offline) throw new ApiError('network', 'Cannot reach the phone system.');
  }
  async list(): Promise<MessageSessionView[]> { this.check(); return this.sessions; }
  async get(id: string) { this.check(); return this.sessions.find((s) => s.id === id)!; }
  async create(body: NewMessageSession) {
    this.check();
    this.created.push(body);
    const s = conv(`s${this.sessions.length + 1}`);
    this.sessions.push(s);
    return s;
  }
  async remove() { this.check(); }
  /** Adding to a 1:1 gives the group of the three, a conversation of its own (as the platform does). */
  async addParticipant(id: string, extension: string) {
    const one = await this.get(id);
    if (one.participants.length > 1) return one;
    const group = conv(`${id}+${extension}`, { participants: [...one.participants, { kind: 'user', extension, name: extension }] });
    this.sessions.push(group);
    return group;
  }
  async markRead(id: string, upTo: string) { this.check(); this.reads.push([id, upTo]); }
  async typing(id: string) { this.typings.push(id); }
  async messages(id: string, before?: string, limit = 50): Promise<Page<MessageView, string>> {
    this.check();
    const all = [...(this.pages.get(id) ?? [])].reverse(); // newest first
    const start = before ? all.findIndex((m) => m.id === before) + 1 : 0;
    const items = all.slice(start, start + limit);
    return { items, next_cursor: start + limit < all.length ? items.at(-1)!.id : null };
  }
  async send(id: string, body: NewMessage): Promise<MessageView> {
    this.check();
    if (this.refuse) throw new ApiError('http', this.refuse, 422, 'invalid');
    this.sent.push({ id, body });
    const seen = this.stored.get(body.client_id);
    if (seen) return seen; // 200: idempotent
    const m = msg(`m${this.seq++}`, id, { client_id: body.client_id, direction: 'outbound', sender: me, text: body.text, sent_at: new Date().toISOString() });
    this.stored.set(body.client_id, m);
    return m;
  }
  async retry(id: string, mid: string) { return { ...msg(mid, id), direction: 'outbound' as const, status: 'sending' as const }; }
  async upload() { return { id: 'a1', name: 'x.png', content_type: 'image/png', size: 10, url: '/a/a1' }; }
  async attachment() { return new Blob(['x']); }
  async sms() { return { enabled: true, numbers: [] }; }
}

class FakeSession extends EventTarget {
  state = 'signed-in';
  user = { extension: '1001', domain: 'demo' };
  displayName = 'Alice Adams';
}

function memoryCards(): CardStorage {
  const m = new Map<string, string[]>();
  return { load: (o) => m.get(o) ?? [], save: (o, ids) => void m.set(o, ids) };
}

const fire = (events: EventTarget, data: PlatformEvent) => events.dispatchEvent(new PlatformEventMessage(data));

describe('Conversations (the Chat and SMS store)', () => {
  let dbName: string;
  const made: Conversations[] = [];
  beforeEach(() => {
    dbName = `chat-test-${Math.random()}`;
  });
  afterEach(async () => {
    for (const c of made.splice(0)) c.dispose();
    await deleteDB(dbName).catch(() => undefined);
  });

  function build(api: FakeApi, options = {}, cards = memoryCards()) {
    const db = openSwitchboardDB(dbName);
    const events = new EventTarget();
    const session = new FakeSession();
    const outbox = new MessageOutbox(db, api, { retryMs: null });
    const store = new Conversations(api, session, events, outbox, new IdbConversationCache(db), cards, options);
    made.push(store);
    return { store, events, session, db, cards };
  }

  it('lists conversations newest activity first, sums unread for the badge, and follows events', async () => {
    const api = new FakeApi();
    api.sessions = [conv('a', { updated_at: '2025-03-14T09:00:00Z', unread: 2 }), conv('b', { updated_at: '2025-03-14T11:00:00Z', unread: 1 })];
    const { store, events } = build(api);
    let badges = 0;
    store.addEventListener(BADGE_CHANGED, () => badges++);
    await until(() => store.sessions.length === 2);
    expect(store.sessions.map((s) => s.id)).to.deep.equal(['b', 'a']);
    expect(store.count).to.equal(3);
    expect(badges).to.be.greaterThan(0);

    const incoming: IncomingMessageEvent[] = [];
    store.addEventListener(IncomingMessageEvent.eventName, (e) => incoming.push(e as IncomingMessageEvent));
    fire(events, { type: 'message', session_id: 'a', message: msg('n1', 'a', { sent_at: '2025-03-14T12:00:00Z' }) });
    await until(() => store.count === 4);
    expect(store.sessions[0]!.id).to.equal('a');
    // A new incoming message opens its card, as the product does.
    expect(store.open).to.deep.equal(['a']);
    expect(incoming).to.have.length(1);
    // Closing the card keeps the conversation.
    store.closeCard('a');
    expect(store.open).to.deep.equal([]);
    expect(store.sessions.map((s) => s.id)).to.include('a');
    // Mark read zeroes it and tells the platform up to the newest inbound message.
    store.markRead('a');
    expect(store.count).to.equal(1);
    await until(() => api.reads.length === 1);
    expect(api.reads[0]).to.deep.equal(['a', 'n1']);
  });

  it('sends optimistically, then follows the status from events (a late "sent" never takes back "read")', async () => {
    const api = new FakeApi();
    api.sessions = [conv('a')];
    const { store, events } = build(api);
    await until(() => store.sessions.length === 1);
    const error = await store.send('a', 'Hello Bob');
    expect(error).to.equal('');
    expect(store.messagesOf('a').at(-1)!.text).to.equal('Hello Bob');
    await until(() => api.sent.length === 1);
    await until(() => store.messagesOf('a').at(-1)!.status === 'sent');
    const sent = store.messagesOf('a').at(-1)!;
    expect(sent.id).to.not.match(/^local:/);
    fire(events, { type: 'message', session_id: 'a', message: { ...sent, status: 'read' } });
    await until(() => store.messagesOf('a').at(-1)!.status === 'read');
    fire(events, { type: 'message', session_id: 'a', message: { ...sent, status: 'delivered' } });
    await tick(20);
    expect(store.messagesOf('a').at(-1)!.status).to.equal('read');
    expect(store.messagesOf('a')).to.have.length(1);
    // My own message never counts as unread nor opens anything.
    expect(store.count).to.equal(0);
  });

  it('a refused message is Failed with the reason; Retry sends it again with the same client_id', async () => {
    const api = new FakeApi();
    api.sessions = [conv('a')];
    const { store } = build(api);
    await until(() => store.sessions.length === 1);
    api.refuse = 'The carrier refused the number';
    await store.send('a', 'Hi');
    await until(() => store.messagesOf('a').at(-1)!.status === 'failed');
    const failed = store.messagesOf('a').at(-1)!;
    expect(failed.failure_reason).to.equal('The carrier refused the number');
    api.refuse = '';
    await store.retry('a', failed.client_id);
    await until(() => store.messagesOf('a').at(-1)!.status === 'sent');
    expect(api.sent.map((s) => s.body.client_id)).to.deep.equal([failed.client_id]);
  });

  it('offline: messages wait ("Waiting for connection"), survive a reload of the store, and go once, in order, when back online', async () => {
    const api = new FakeApi();
    api.sessions = [conv('a')];
    const first = build(api);
    await until(() => first.store.sessions.length === 1);
    api.offline = true;
    await first.store.send('a', 'one');
    await first.store.send('a', 'two');
    await until(() => first.store.messagesOf('a').filter((m) => m.waiting).length === 2);
    first.store.dispose();

    // A reload: a new store on the same database shows the conversation and both waiting messages.
    const second = build(api);
    await until(() => second.store.messagesOf('a').filter((m) => m.waiting).length === 2);
    expect(second.store.sessions.map((s) => s.id)).to.deep.equal(['a']);
    expect(second.store.messagesOf('a').map((m) => m.text)).to.deep.equal(['one', 'two']);

    api.offline = false;
    await second.store.flush();
    await until(() => second.store.messagesOf('a').every((m) => m.status === 'sent'));
    expect(api.sent.map((s) => s.body.text)).to.deep.equal(['one', 'two']);
    // Replaying again sends nothing new (the outbox is empty; a resend would be idempotent anyway).
    await second.store.flush();
    expect(api.sent).to.have.length(2);
    expect(second.store.messagesOf('a')).to.have.length(2);
  });

  it('shows typing for a few seconds after the last typing event, and sends mine at most every few seconds', async () => {
    const api = new FakeApi();
    api.sessions = [conv('a')];
    const { store, events } = build(api, { typingShownMs: 150, typingEveryMs: 100 });
    await until(() => store.sessions.length === 1);
    fire(events, { type: 'typing', session_id: 'a', extension: '1002', name: 'Bob Baker' });
    expect(store.typingIn('a')).to.deep.equal(['Bob Baker']);
    await tick(100);
    fire(events, { type: 'typing', session_id: 'a', extension: '1002', name: 'Bob Baker' });
    await tick(100);
    expect(store.typingIn('a')).to.deep.equal(['Bob Baker']);
    await tick(100);
    expect(store.typingIn('a')).to.deep.equal([]);

    store.typed('a');
    store.typed('a');
    store.typed('a');
    expect(api.typings).to.have.length(1);
    await tick(120);
    store.typed('a');
    expect(api.typings).to.have.length(2);
    // Sending ends my typing: typing again right after is announced at once.
    await store.send('a', 'done');
    store.typed('a');
    expect(api.typings).to.have.length(3);
  });

  it('adding a colleague to a 1:1 opens the group of the three as a card of its own', async () => {
    const api = new FakeApi();
    api.sessions = [conv('a')];
    const { store } = build(api);
    await until(() => store.sessions.length === 1);
    store.openCard('a');
    await store.addPeople('a', '1004');
    expect(store.open).to.deep.equal(['a', 'a+1004']);
  });

  it('pages older messages, and keeps the latest ones and the open cards across a reload', async () => {
    const api = new FakeApi();
    api.sessions = [conv('a')];
    api.pages.set('a', Array.from({ length: 60 }, (_, i) => msg(`m${i}`, 'a', { sent_at: new Date(Date.UTC(2025, 2, 14, 10, i)).toISOString() })));
    const cards = memoryCards();
    const first = build(api, {}, cards);
    await until(() => first.store.sessions.length === 1);
    first.store.openCard('a');
    await until(() => first.store.messagesOf('a').length === 50);
    expect(first.store.messagesOf('a')[0]!.id).to.equal('m10');
    expect(first.store.hasOlder('a')).to.equal(true);
    await first.store.older('a');
    expect(first.store.messagesOf('a')).to.have.length(60);
    expect(first.store.messagesOf('a')[0]!.id).to.equal('m0');
    expect(first.store.hasOlder('a')).to.equal(false);
    await tick(50);
    first.store.dispose();

    api.offline = true;
    const second = build(api, {}, cards);
    await until(() => second.store.messagesOf('a').length > 0);
    expect(second.store.open).to.deep.equal(['a']);
    expect(second.store.messagesOf('a')).to.have.length(50);
    expect(second.store.messagesOf('a').at(-1)!.id).to.equal('m59');
  });

  it('starts a conversation with POST and opens its card; refuses SMS when it is not enabled', async () => {
    const api = new FakeApi();
    const { store } = build(api);
    await until(() => store.sms !== null);
    const s = await store.start([{ kind: 'user', extension: '1002' }]);
    expect(api.created).to.deep.equal([{ participants: [{ kind: 'user', extension: '1002' }] }]);
    expect(store.open).to.deep.equal([s.id]);
    store.sms = { enabled: false, numbers: [] };
    let refused = '';
    await store.start([{ kind: 'number', number: '+15550100199' }]).catch((e: Error) => (refused = e.message));
    expect(refused).to.equal('SMS is not enabled for your organisation.');
  });
});

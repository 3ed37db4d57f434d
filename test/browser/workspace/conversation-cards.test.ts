import { expect } from '@open-wc/testing';
import { ContextProvider } from '@lit/context';
import { areaServicesContext, callStoreContext, settingsContext } from '../../../src/app/contexts.js';
import { FakePhone } from '../../../src/phone/fake-phone.js';
import { CallStore, type Mixer } from '../../../src/state/call-store.js';
import { SettingsStore } from '../../../src/state/settings.js';
import type { PhoneCall } from '../../../src/phone/types.js';
import type { MessageChange } from '../../../src/data/message-outbox.js';
import type { MessageSessionView, MessageView, Page } from '../../../src/data/wire.js';
import { Conversations, type MessageQueue } from '../../../src/state/conversations.js';
import '../../../src/workspace/sb-call-workspace.js';
import type { SbCallWorkspace } from '../../../src/workspace/sb-call-workspace.js';
import type { SbConversationCard } from '../../../src/components/sb-conversation-card.js';
import { button, until } from '../components/helpers.js';

class SilentMixer implements Mixer {
  add(_call: PhoneCall) {}
  remove(_call: PhoneCall) {}
  setMuted(_muted: boolean) {}
  dispose() {}
}

const bob = { kind: 'user' as const, extension: '1002', name: 'Bob Baker' };
const session: MessageSessionView = { id: 's1', kind: 'chat', participants: [bob], local_number: null, last_message: null, unread: 0, updated_at: '2025-03-14T10:00:00Z' };

const api = {
  async list(): Promise<MessageSessionView[]> { return [session]; },
  async get() { return session; },
  async create() { return session; },
  async remove() {},
  async addParticipant() { return session; },
  async markRead() {},
  async typing() {},
  async messages(): Promise<Page<MessageView, string>> { return { items: [], next_cursor: null }; },
  async retry(): Promise<MessageView> { throw new Error('no'); },
  async upload(): Promise<never> { throw new Error('no'); },
  async attachment() { return new Blob(); },
  async sms() { return { enabled: true, numbers: [] }; },
};

async function mount(width?: string) {
  const phone = new FakePhone();
  phone.start({ uri: 'sip:1001@demo', authorizationUser: 'u', password: 'p', websocketUrl: 'ws://x/sip', displayName: 'Alice', userAgent: 't' });
  const calls = new CallStore(phone, { holdReminderMs: 0, endedLingerMs: 20, createMixer: () => new SilentMixer() });
  const settings = new SettingsStore(new Map<string, string>() as unknown as Storage);
  const queued: MessageChange[] = [];
  const queue: MessageQueue = { hooks: {}, queue: async (_id, c) => void queued.push(c), flush: async () => undefined, stop: () => undefined, pending: async () => [] };
  const user = Object.assign(new EventTarget(), { state: 'signed-in', user: { extension: '1001', domain: 'demo' } });
  const chats = new Conversations(api, user, new EventTarget(), queue, undefined, { load: () => [], save: () => undefined });
  const host = document.body.appendChild(document.createElement('div'));
  if (width) host.style.width = width;
  new ContextProvider(host, { context: callStoreContext, initialValue: calls });
  new ContextProvider(host, { context: settingsContext, initialValue: settings });
  new ContextProvider(host, { context: areaServicesContext, initialValue: { conversations: chats } });
  const view = document.createElement('sb-call-workspace') as SbCallWorkspace;
  host.append(view);
  await until(() => chats.sessions.length === 1);
  chats.openCard('s1');
  await until(() => !!view.shadowRoot!.querySelector('sb-conversation-card'));
  const card = view.shadowRoot!.querySelector('sb-conversation-card') as SbConversationCard;
  await card.updateComplete;
  return { calls, chats, view, card, queued };
}

describe('conversation cards on the grid', () => {
  afterEach(() => document.body.querySelectorAll('div').forEach((d) => d.remove()));

  it('sit in the grid beside the calls; Send goes to the store; Call dials; Close keeps the conversation', async () => {
    const { view, card, chats, calls, queued } = await mount();
    expect(card.parentElement!.localName).to.equal('sb-card-grid');
    const textarea = card.shadowRoot!.querySelector('textarea')!;
    textarea.value = 'Hi Bob';
    textarea.dispatchEvent(new InputEvent('input'));
    button(card, 'Send').click();
    await until(() => queued.length === 1);
    expect(queued[0]).to.deep.include({ sessionId: 's1', text: 'Hi Bob' });
    await until(() => chats.messagesOf('s1').length === 1);
    button(card, 'Call Bob Baker').click();
    await until(() => calls.calls.length === 1);
    expect(calls.calls[0]!.remote.number).to.equal('1002');
    await view.updateComplete;
    button(view.shadowRoot!.querySelector('sb-conversation-card')!, 'Close conversation with Bob Baker').click();
    await until(() => !view.shadowRoot!.querySelector('sb-conversation-card'));
    expect(chats.sessions.map((s) => s.id)).to.deep.equal(['s1']);
  });

  it('fits a 390 px window: no sideways scrolling, composer and Send in view', async () => {
    const { card } = await mount('390px');
    const article = card.shadowRoot!.querySelector('article')!;
    expect(article.getBoundingClientRect().width).to.be.at.most(390);
    expect(article.scrollWidth).to.be.at.most(article.clientWidth + 1);
    const send = button(card, 'Send').getBoundingClientRect();
    expect(send.right).to.be.at.most(390 + card.getBoundingClientRect().left);
  });
});

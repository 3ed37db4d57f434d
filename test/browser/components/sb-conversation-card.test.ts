import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../../src/components/sb-conversation-card.js';
import { ConversationActionEvent, linkify, type SbConversationCard } from '../../../src/components/sb-conversation-card.js';
import type { MessageSessionView, MessageView } from '../../../src/data/wire.js';
import type { ShownMessage } from '../../../src/state/conversations.js';
import { XSS, accessibleName, button, deepAll, roleOf, text, until } from './helpers.js';

const bob = { kind: 'user' as const, extension: '1002', name: 'Bob Baker' };
const me = { kind: 'user' as const, extension: '1001', name: 'Alice Adams' };
const conv: MessageSessionView = { id: 's1', kind: 'chat', participants: [bob], local_number: null, last_message: null, unread: 0, updated_at: '2025-03-14T10:00:00Z' };

function msg(id: string, over: Partial<ShownMessage> = {}): ShownMessage {
  return { id, client_id: `c-${id}`, session_id: 's1', type: 'chat', direction: 'inbound', sender: bob, text: `text ${id}`, attachments: [], status: 'sent', failure_reason: null, sent_at: '2025-03-14T10:00:00Z', ...over } as MessageView;
}

async function card(messages: ShownMessage[] = [], typing: string[] = []) {
  const actions: ConversationActionEvent[] = [];
  const el = await fixture<SbConversationCard>(html`<sb-conversation-card .conversation=${conv} name="Bob Baker" .messages=${messages} .typing=${typing}
    .attachmentUrl=${async () => URL.createObjectURL(new Blob([new Uint8Array([0x89, 0x50])], { type: 'image/png' }))}
    @sb-conversation-action=${(e: ConversationActionEvent) => {
      actions.push(e);
      if (e.detail.action === 'send') e.result = Promise.resolve('');
    }}></sb-conversation-card>`);
  return { el, actions };
}

const textarea = (el: SbConversationCard) => el.shadowRoot!.querySelector('textarea')!;

describe('sb-conversation-card', () => {
  it('is an article named for the conversation, with Call, Add people and Close', async () => {
    const { el, actions } = await card();
    const article = el.shadowRoot!.querySelector('article')!;
    expect(roleOf(article)).to.equal('article');
    expect(accessibleName(article)).to.equal('Conversation with Bob Baker');
    expect(accessibleName(textarea(el))).to.equal('Message');
    button(el, 'Call Bob Baker').click();
    button(el, 'Close conversation with Bob Baker').click();
    expect(actions.map((a) => [a.detail.action, a.detail.target])).to.deep.equal([['call', '1002'], ['close', undefined]]);
    button(el, 'Add people');
    button(el, 'Attach');
    button(el, 'Send');
  });

  it('Enter sends, Shift+Enter is a new line', async () => {
    const { el, actions } = await card();
    textarea(el).focus();
    await sendKeys({ type: 'Hello' });
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Enter' });
    await sendKeys({ up: 'Shift' });
    await sendKeys({ type: 'Bob' });
    expect(actions.filter((a) => a.detail.action === 'send')).to.have.length(0);
    expect(textarea(el).value).to.equal('Hello\nBob');
    await sendKeys({ press: 'Enter' });
    await until(() => actions.some((a) => a.detail.action === 'send'));
    expect(actions.find((a) => a.detail.action === 'send')!.detail.text).to.equal('Hello\nBob');
    expect(actions.some((a) => a.detail.action === 'typing')).to.equal(true);
    await until(() => textarea(el).value === '');
  });

  it('shows status ticks, Waiting for connection, and Failed with Retry', async () => {
    const { el, actions } = await card([
      msg('m1', { direction: 'outbound', sender: me, status: 'sending' }),
      msg('m2', { direction: 'outbound', sender: me, status: 'sending', waiting: true }),
      msg('m3', { direction: 'outbound', sender: me, status: 'delivered' }),
      msg('m4', { direction: 'outbound', sender: me, status: 'read' }),
      msg('m5', { direction: 'outbound', sender: me, status: 'failed', failure_reason: 'The carrier refused the number' }),
    ]);
    const statuses = deepAll(el, '.status').map((s) => s.textContent!.replace(/\s+/g, ' ').trim());
    expect(statuses).to.deep.equal(['Sending…', 'Waiting for connection', '✓✓ Delivered', '✓✓ Read', 'Failed: The carrier refused the number']);
    button(el, 'Retry').click();
    expect(actions.at(-1)!.detail).to.deep.include({ action: 'retry', clientId: 'c-m5' });
    // Mine are on the right.
    expect(el.shadowRoot!.querySelectorAll('.message.mine')).to.have.length(5);
  });

  it('shows images as thumbnails that open larger, PDFs as file chips', async () => {
    const { el } = await card([msg('m1', { text: '', attachments: [
      { id: 'a1', name: 'photo.png', content_type: 'image/png', size: 2000, url: '/a/1' },
      { id: 'a2', name: 'invoice.pdf', content_type: 'application/pdf', size: 120_000, url: '/a/2' },
    ] })]);
    await until(() => !!el.shadowRoot!.querySelector('.thumb img'));
    button(el, 'View photo.png').click();
    await until(() => !!el.shadowRoot!.querySelector('dialog[open] img'));
    expect(el.shadowRoot!.querySelector('dialog img')!.getAttribute('alt')).to.equal('photo.png');
    button(el, 'Close').click();
    button(el, 'Download invoice.pdf');
    expect(text(el)).to.match(/invoice\.pdf \( PDF , 117 KB \)/);
  });

  it('makes http(s) links clickable safely; javascript: URLs and HTML stay text', async () => {
    const { el } = await card([msg('m1', { text: `See https://example.com/a?b=1. Or javascript:alert(1) and ${XSS}` })]);
    const links = deepAll(el, 'a');
    expect(links).to.have.length(1);
    expect(links[0]!.getAttribute('href')).to.equal('https://example.com/a?b=1');
    expect(links[0]!.getAttribute('rel')).to.equal('noopener noreferrer');
    expect(el.shadowRoot!.querySelector('.bubble img')).to.equal(null);
    expect(text(el)).to.contain('javascript:alert(1)');
    expect(text(el)).to.contain(XSS);
    expect((window as { __xss?: number }).__xss).to.equal(undefined);
    expect(linkify('javascript:alert(1)')).to.deep.equal(['javascript:alert(1)']);
  });

  it('says who is typing, and separates days', async () => {
    const { el } = await card([msg('m1', { sent_at: '2025-03-13T10:00:00Z' }), msg('m2', { sent_at: '2025-03-14T10:00:00Z' })], ['Bob Baker']);
    expect(el.shadowRoot!.querySelector('.typing')!.textContent).to.equal('Bob Baker is typing…');
    expect(el.shadowRoot!.querySelectorAll('[role=separator]')).to.have.length(2);
  });

  it('refuses a file over 5 MB or not an image or PDF before any upload', async () => {
    const { el, actions } = await card();
    el.addFiles([new File([new Uint8Array(6 * 1024 * 1024)], 'big.png', { type: 'image/png' })]);
    await el.updateComplete;
    expect(text(el)).to.contain('big.png is too large: attachments can be up to 5 MB.');
    el.addFiles([new File(['MZ'], 'tool.exe', { type: 'application/x-msdownload' })]);
    await el.updateComplete;
    expect(text(el)).to.contain('tool.exe cannot be sent: only images and PDF files can be attached.');
    expect(actions.filter((a) => a.detail.action === 'send')).to.have.length(0);
  });
});

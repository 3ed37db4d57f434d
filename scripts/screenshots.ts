/**
 * `node --import tsx scripts/screenshots.ts [out-dir]`: screenshots of the workspace as a user
 * sees it, for looking at a change: desktop (1280x800) and phone-sized (390x844), light and dark,
 * of the empty grid, an incoming call while Contacts is open, and a connected call with Call
 * History open, the Voicemail, Greetings, Answering Rules (and the rule form) and Chat and SMS
 * areas, and a conversation card on the grid. Two demo users in real Chromium against the
 * real platform (1002 calls 1001).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { loginAs, startE2E } from '../test/e2e/browser.js';
import { card, dial } from '../test/e2e/phone-ui.js';
import { api, login } from '../test/support/harness.js';

const out = path.resolve(process.argv[2] ?? 'screenshots');
fs.mkdirSync(out, { recursive: true });

const e2e = await startE2E({ env: { SWITCHBOARD_VOICEMAIL: '1' } });
const shots: string[] = [];
const snap = async (page: Page, name: string) => {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.waitForTimeout(150);
    const file = path.join(out, `${name}-${scheme}.png`);
    await page.screenshot({ path: file });
    shots.push(file);
  }
  await page.emulateMedia({ colorScheme: 'light' });
};
const nav = (page: Page, label: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: label, exact: true }).click();
try {
  const alice = await e2e.newUser();
  const bob = await e2e.newUser();
  // Two messages (as deposits leave them) and a typed greeting, for the areas to show.
  const now = Date.now();
  for (const [i, m] of [['1002', 'Bob Baker', 'Hi Alice, please call me back about the invoice.'], ['+15550100', '', null]].entries()) {
    await e2e.platform.platform.store.voicemails.insert({ id: `shot-${i}`, domain: 'demo', extension: '1001', callerNumber: m[0]!, callerName: m[1]!, callId: `shot-${i}`,
      receivedAt: now - i * 3_600_000, durationS: 12 + i * 30, folder: 'new', bytes: 0, transcription: m[2] ?? null, transcriptionStatus: m[2] ? 'done' : 'none', movedBy: null, movedAt: null });
  }
  const token = await login(e2e.platform.url, '1001@demo');
  await api(e2e.platform.url, 'POST', '/api/v2/domains/~/users/~/greetings', { token, body: { name: 'Out of office', text: 'I am out of the office until Monday.' } });
  // Two answering rules besides the default, on an organisation frame and one of 1001's own.
  const frames = (await api(e2e.platform.url, 'GET', '/api/v2/domains/~/timeframes', { token })).body as Array<{ id: string; name: string }>;
  const lunch = (await api(e2e.platform.url, 'POST', '/api/v2/domains/~/users/~/timeframes', { token, body: {
    name: 'Lunch', kind: 'days-of-week', days: [1, 2, 3, 4, 5].map((day) => ({ day, ranges: [{ start: '12:00', end: '13:00' }] })),
  } })).body as { id: string };
  const off = { enabled: false, destination: null };
  const actions = { do_not_disturb: false, forward_always: off, simultaneous_ring: { enabled: false, targets: [] }, forward_on_busy: off, forward_no_answer: off, forward_when_unregistered: off, screening: { reject: [], allow: [] } };
  await api(e2e.platform.url, 'POST', '/api/v2/domains/~/users/~/answerrules', { token, body: { ...actions, enabled: true, time_frame_id: frames.find((f) => f.name === 'Business Hours')!.id,
    simultaneous_ring: { enabled: true, targets: [{ destination: { kind: 'user', extension: '1003' }, delay_s: 10 }] }, forward_no_answer: { enabled: true, destination: { kind: 'user', extension: '1004' } } } });
  await api(e2e.platform.url, 'POST', '/api/v2/domains/~/users/~/answerrules', { token, body: { ...actions, enabled: true, time_frame_id: lunch.id, do_not_disturb: true } });
  // A chat with Bob (with a link and an HTML-looking text, shown as text) and an SMS exchange.
  const bobToken = await login(e2e.platform.url, '1002@demo');
  const chat = (await api(e2e.platform.url, 'POST', '/api/v2/domains/~/users/~/messagesessions', { token: bobToken, body: { participants: [{ kind: 'user', extension: '1001' }] } })).body.id;
  for (const [who, text] of [[bobToken, 'Hi Alice, the invoice is at https://example.com/invoice/42'], [token, 'Thanks! I will look after lunch <b>today</b>'], [bobToken, 'Great, talk soon']] as const) {
    await api(e2e.platform.url, 'POST', `/api/v2/domains/~/users/~/messagesessions/${chat}/messages`, { token: who, body: { client_id: crypto.randomUUID(), text } });
  }
  const sms = (await api(e2e.platform.url, 'POST', '/api/v2/domains/~/users/~/messagesessions', { token, body: { participants: [{ kind: 'number', number: '+15550100199' }] } })).body.id;
  await api(e2e.platform.url, 'POST', `/api/v2/domains/~/users/~/messagesessions/${sms}/messages`, { token, body: { client_id: crypto.randomUUID(), text: 'Are you open on Saturday?' } });
  await loginAs(alice.page, '1001');
  await loginAs(bob.page, '1002');
  for (const [size, viewport] of [['desktop', { width: 1280, height: 800 }], ['narrow', { width: 390, height: 844 }]] as const) {
    await alice.page.setViewportSize(viewport);
    // Back to the bare workspace (the area panel's close button), as a user would.
    const close = alice.page.getByRole('button', { name: /^Collapse / });
    if (await close.count()) await close.click();
    await snap(alice.page, `${size}-empty-grid`);
    if (size === 'narrow') await alice.page.getByRole('button', { name: 'Show navigation' }).click();
    await nav(alice.page, 'Contacts');
    await alice.page.getByRole('heading', { name: 'Contacts' }).waitFor();
    await dial(bob.page, '1001');
    await card(alice.page, 'Bob Baker').getByRole('button', { name: 'Answer' }).waitFor();
    await snap(alice.page, `${size}-incoming-contacts`);
    await card(alice.page, 'Bob Baker').getByRole('button', { name: 'Answer' }).click();
    await card(bob.page, 'Alice Anders').getByText('Connected').waitFor();
    if (size === 'narrow') await alice.page.getByRole('button', { name: 'Show navigation' }).click();
    await nav(alice.page, 'Call History');
    await alice.page.getByRole('heading', { name: 'Call History' }).waitFor();
    await alice.page.waitForTimeout(500);
    await snap(alice.page, `${size}-connected-history`);
    await card(bob.page, 'Alice Anders').getByRole('button', { name: 'Hang Up' }).click();
    await bob.page.waitForTimeout(5000);
    for (const area of ['Voicemail', 'Greetings', 'Answering Rules']) {
      if (size === 'narrow') await alice.page.getByRole('button', { name: 'Show navigation' }).click();
      await nav(alice.page, area);
      await alice.page.getByRole('heading', { name: area }).waitFor();
      await alice.page.waitForTimeout(500);
      await snap(alice.page, `${size}-${area.toLowerCase().replace(/ /g, '-')}`);
    }
    await alice.page.getByRole('listitem', { name: 'Business Hours' }).getByRole('button', { name: 'Edit' }).first().click();
    await alice.page.getByRole('dialog').waitFor();
    await alice.page.waitForTimeout(300);
    await snap(alice.page, `${size}-rule-form`);
    await alice.page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    // Chat and SMS, then a conversation card on the grid with the area collapsed.
    if (size === 'narrow') await alice.page.getByRole('button', { name: 'Show navigation' }).click();
    await nav(alice.page, 'Chat and SMS');
    await alice.page.getByRole('heading', { name: 'Chat and SMS' }).waitFor();
    await alice.page.waitForTimeout(500);
    await snap(alice.page, `${size}-chat-and-sms`);
    await alice.page.getByRole('button', { name: /^Bob Baker.*: / }).first().click();
    const collapse = alice.page.getByRole('button', { name: /^Collapse / });
    if (await collapse.count()) await collapse.click();
    await alice.page.getByRole('article', { name: 'Conversation with Bob Baker', exact: true }).waitFor();
    await alice.page.waitForTimeout(500);
    await snap(alice.page, `${size}-conversation-card`);
  }
  process.stdout.write(shots.map((s) => path.relative(process.cwd(), s)).join('\n') + '\n');
} finally {
  await e2e.close().catch((err: unknown) => process.stderr.write(`${String(err)}\n`));
}

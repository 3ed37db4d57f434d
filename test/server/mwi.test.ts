/**
 * Message waiting for SIP phones (RFC 3842 over RFC 6665): a device subscribes to its own
 * mailbox's message-summary and is told at once, on every change and at the end; other event
 * packages, other people's mailboxes, unauthenticated flows, too-short and unknown
 * subscriptions are refused the standard way.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { api, deviceUa, eventually, login, registeredUa, startPlatform, type TestPlatform } from '../support/harness.js';
import { SipUa, type Dialog } from '../support/sip-ua.js';
import type { SipRequest } from '../../server/sip/message.js';
import type { VoicemailFolder } from '../../server/voicemail/types.js';

/** A message row (no audio needed: only the counts matter here). */
async function addMessage(t: TestPlatform, extension: string, folder: VoicemailFolder): Promise<string> {
  const id = randomUUID();
  await t.platform.store.voicemails.insert({
    id, domain: 'demo', extension, callerNumber: '1001', callerName: 'Alice Anders', callId: randomUUID(), receivedAt: Date.now(),
    durationS: 2, folder, bytes: 100, transcription: null, transcriptionStatus: 'none', movedBy: null, movedAt: null,
  });
  return id;
}

/** The `n`th NOTIFY of a subscription (1-based), once it has come. */
async function notifyNo(dialog: Dialog, n: number, timeoutMs = 3000): Promise<SipRequest> {
  return (await eventually(() => dialog.received.filter((r) => r.method === 'NOTIFY')[n - 1], timeoutMs))!;
}

function summary(notify: SipRequest): { waiting: string; voice: string; account: string } {
  const body = notify.body.toString('utf8');
  return {
    waiting: /^Messages-Waiting:\s*(\S+)/im.exec(body)?.[1] ?? '',
    voice: /^Voice-Message:\s*(.+?)\s*$/im.exec(body)?.[1] ?? '',
    account: /^Message-Account:\s*(\S+)/im.exec(body)?.[1] ?? '',
  };
}

describe('message waiting (SUBSCRIBE message-summary)', () => {
  let t: TestPlatform;
  let bob: SipUa;
  let bobToken: string;
  before(async () => {
    t = await startPlatform({ env: { SWITCHBOARD_VOICEMAIL: '1' } });
    bob = await registeredUa(t, '1002');
    bobToken = await login(t.url, '1002@demo');
  });
  after(async () => { await bob.close(); await t.close(); });

  it('answers 200 with Expires, NOTIFYs the state at once, again on every change, and a last one on unsubscribe', async () => {
    const { dialog, response } = bob.subscribe('sip:1002@demo', 'message-summary', 600);
    const ok = await response;
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('Expires'), '600');
    const first = await notifyNo(dialog, 1);
    assert.equal(first.headers.get('Event'), 'message-summary');
    assert.match(first.headers.get('Subscription-State') ?? '', /^active;expires=(600|599)$/);
    assert.equal(first.headers.get('Content-Type'), 'application/simple-message-summary');
    assert.deepEqual(summary(first), { waiting: 'no', voice: '0/0 (0/0)', account: 'sip:1002@demo' });

    // A message arrives (here: one moved back to new through the REST API, announced the same way).
    const id = await addMessage(t, '1002', 'save');
    const moved = await api(t.url, 'PATCH', `/api/v2/domains/~/users/~/voicemails/save/${id}`, { token: bobToken, body: { folder: 'new' } });
    assert.equal(moved.status, 200);
    assert.deepEqual(summary(await notifyNo(dialog, 2)), { waiting: 'yes', voice: '1/0 (0/0)', account: 'sip:1002@demo' });
    // Saved: nothing new waits, one old message.
    await api(t.url, 'PATCH', `/api/v2/domains/~/users/~/voicemails/new/${id}`, { token: bobToken, body: { folder: 'save' } });
    assert.deepEqual(summary(await notifyNo(dialog, 3)), { waiting: 'no', voice: '0/1 (0/0)', account: 'sip:1002@demo' });
    // Deleted (to the trash): none at all.
    await api(t.url, 'DELETE', `/api/v2/domains/~/users/~/voicemails/save/${id}`, { token: bobToken });
    const third = summary(await notifyNo(dialog, 4));
    assert.equal(third.voice, '0/0 (0/0)');
    const cseqs = dialog.received.filter((r) => r.method === 'NOTIFY').map((r) => Number.parseInt(r.headers.get('CSeq') ?? '', 10));
    assert.deepEqual(cseqs, [...cseqs].sort((a, b) => a - b), 'NOTIFY CSeqs rise');

    // Unsubscribe: 200 with Expires 0 and the final NOTIFY.
    const bye = await dialog.request('SUBSCRIBE', '', undefined, [['Event', 'message-summary'], ['Expires', '0']]);
    assert.equal(bye.status, 200);
    assert.equal(bye.headers.get('Expires'), '0');
    const last = await notifyNo(dialog, 5);
    assert.match(last.headers.get('Subscription-State') ?? '', /^terminated/);
    // Gone: a refresh now is 481, and changes send nothing more.
    assert.equal((await dialog.request('SUBSCRIBE', '', undefined, [['Event', 'message-summary'], ['Expires', '600']])).status, 481);
    await addMessage(t, '1002', 'new');
    const other = await addMessage(t, '1002', 'save');
    await api(t.url, 'PATCH', `/api/v2/domains/~/users/~/voicemails/save/${other}`, { token: bobToken, body: { folder: 'new' } });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(dialog.received.filter((r) => r.method === 'NOTIFY').length, 5);
  });

  it('a refresh gets 200 and the current state again', async () => {
    const { dialog, response } = bob.subscribe('sip:1002@demo', 'message-summary', 300);
    assert.equal((await response).status, 200);
    const first = summary(await notifyNo(dialog, 1));
    const refresh = await dialog.request('SUBSCRIBE', '', undefined, [['Event', 'message-summary'], ['Expires', '900']]);
    assert.equal(refresh.status, 200);
    assert.equal(refresh.headers.get('Expires'), '900');
    assert.deepEqual(summary(await notifyNo(dialog, 2)), first);
    await dialog.request('SUBSCRIBE', '', undefined, [['Event', 'message-summary'], ['Expires', '0']]);
  });

  it('refuses other event packages (489), others\' mailboxes (403), too short (423) and unknown subscriptions (481)', async () => {
    const presence = await bob.subscribe('sip:1002@demo', 'presence').response;
    assert.equal(presence.status, 489);
    assert.match(presence.headers.get('Allow-Events') ?? '', /message-summary/);
    assert.equal((await bob.subscribe('sip:1002@demo', 'dialog').response).status, 489);
    assert.equal((await bob.subscribe('sip:1001@demo').response).status, 403, 'Alice\'s mailbox is not Bob\'s to watch');
    const brief = await bob.subscribe('sip:1002@demo', 'message-summary', 5).response;
    assert.equal(brief.status, 423);
    assert.equal(brief.headers.get('Min-Expires'), '60');
    // An in-dialog SUBSCRIBE naming no subscription of ours.
    const { dialog } = bob.subscribe('sip:1002@demo', 'message-summary', 600);
    await notifyNo(dialog, 1);
    dialog.remoteTag = 'not-ours';
    assert.equal((await dialog.request('SUBSCRIBE', '', undefined, [['Event', 'message-summary']])).status, 481);
    dialog.remoteTag = '';
  });

  it('ends a subscription whose NOTIFY the phone answers 481 (it forgot it)', async () => {
    const forgetful = await registeredUa(t, '1002');
    try {
      forgetful.inDialogStatus = (req) => (req.method === 'NOTIFY' ? 481 : 200);
      const { dialog, response } = forgetful.subscribe('sip:1002@demo');
      assert.equal((await response).status, 200);
      await notifyNo(dialog, 1);
      await eventually(async () => (await dialog.request('SUBSCRIBE', '', undefined, [['Event', 'message-summary'], ['Expires', '600']])).status === 481);
    } finally {
      await forgetful.close();
    }
  });

  it('authenticates like a call: unregistered flows answer a digest challenge, wrong credentials get none of it', async () => {
    // A desk phone that authenticates each request (no REGISTER on this flow) is served...
    const unregistered = await deviceUa(t, '1002');
    try {
      const { dialog, response } = unregistered.subscribe('sip:1002@demo');
      assert.equal((await response).status, 200);
      assert.equal(summary(await notifyNo(dialog, 1)).account, 'sip:1002@demo');
      // ... and may name its mailbox by its own SIP username.
      const byUsername = unregistered.subscribe(`sip:${unregistered.creds.authorizationUser}@demo`);
      assert.equal((await byUsername.response).status, 200);
    } finally {
      await unregistered.close();
    }
    // Wrong password: challenged, and refused again.
    const dan = await deviceUa(t, '1004');
    const impostor = new SipUa(t.wsUrl, { ...dan.creds, password: 'wrong' });
    await impostor.connect();
    try {
      const res = await impostor.subscribe('sip:1004@demo').response;
      assert.ok(res.status === 401 || res.status === 407 || res.status === 403, `refused (${res.status})`);
      assert.equal(impostor.dialogs.size, 1);
      assert.equal([...impostor.dialogs.values()][0]!.received.length, 0, 'no NOTIFY');
    } finally {
      await impostor.close();
      await dan.close();
    }
  });
});

describe('message-waiting subscriptions that run out', () => {
  it('end with a terminated NOTIFY at their expiry', async () => {
    const t = await startPlatform({ mwiExpires: { maxExpiresS: 2, minExpiresS: 1 } });
    const ua = await registeredUa(t, '1001');
    try {
      const { dialog, response } = ua.subscribe('sip:1001@demo', 'message-summary', 3600);
      const ok = await response;
      assert.equal(ok.headers.get('Expires'), '2', 'granted no more than the most');
      assert.match((await notifyNo(dialog, 1)).headers.get('Subscription-State') ?? '', /^active;expires=2$/);
      const last = await notifyNo(dialog, 2, 5000);
      assert.equal(last.headers.get('Subscription-State'), 'terminated;reason=timeout');
      assert.equal(summary(last).waiting, 'no');
    } finally {
      await ua.close();
      await t.close();
    }
  });
});

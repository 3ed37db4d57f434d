/**
 * Live dialogs through the proxy: the registry, INVITE with Replaces (RFC 3891) routed to the one
 * flow it names and authorised, blind and attended transfer (REFER, RFC 3515) recorded in every
 * party's history, and dialogs ending by BYE, a lost connection or a 481.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { api, delay, eventually, phone, startPlatform, type Phone, type TestPlatform, answeredCall } from '../support/harness.js';
import { openTestStore, removeTestData } from '../support/test-db.js';
import type { IncomingCall, SipUa } from '../support/sip-ua.js';
import { parseReplaces } from '../../server/sip/replaces.js';

async function cdrsOf(t: TestPlatform, p: Phone) {
  await t.platform.recorder.flush();
  const res = await api(t.url, 'GET', '/api/v2/domains/~/users/~/cdrs', { token: p.token });
  assert.equal(res.status, 200);
  return res.body.items as Array<Record<string, any>>;
}

/** Collects the INVITEs a UA receives from now on. */
function invitesOf(ua: SipUa): IncomingCall[] {
  const seen: IncomingCall[] = [];
  ua.on('invite', (c: IncomingCall) => seen.push(c));
  return seen;
}

describe('Replaces header parsing', () => {
  it('reads call-id, both tags and early-only; refuses a header without tags', () => {
    assert.deepEqual(parseReplaces('abc@host;to-tag=1;from-tag=2'), { callId: 'abc@host', toTag: '1', fromTag: '2', earlyOnly: false });
    assert.deepEqual(parseReplaces('x ; from-tag=b;to-tag=a;early-only'), { callId: 'x', toTag: 'a', fromTag: 'b', earlyOnly: true });
    assert.equal(parseReplaces('abc;to-tag=1'), null);
    assert.equal(parseReplaces('abc'), null);
  });
});

describe('live dialogs and INVITE with Replaces', () => {
  let t: TestPlatform;
  const phones: Phone[] = [];
  const open = async (ext: string, label?: string) => {
    const p = await phone(t, ext, label);
    phones.push(p);
    return p;
  };
  before(async () => { t = await startPlatform({ ringTimeoutMs: 3000 }); });
  after(async () => { await Promise.all(phones.map((p) => p.ua.close())); await t.close(); });

  it('registers a confirmed dialog with both parties, devices and tags, and forgets it on BYE', async () => {
    const alice = await open('1001', 'Alice desk');
    const bob = await open('1002', 'Bob desk');
    const { out, inc } = await answeredCall(alice.ua, bob.ua, 'sip:1002@demo');
    const [d] = t.platform.dialogs.dialogsOf('demo', '1001');
    assert.ok(d);
    assert.equal(d.callId, out.dialog!.callId);
    assert.deepEqual(
      [d.caller.extension, d.caller.tag, d.caller.deviceId, d.caller.deviceLabel, d.caller.name],
      ['1001', out.dialog!.localTag, alice.deviceId, 'Alice desk', 'Alice Anders'],
    );
    assert.deepEqual(
      [d.callee.extension, d.callee.tag, d.callee.deviceId, d.callee.deviceLabel],
      ['1002', inc.toTag, bob.deviceId, 'Bob desk'],
    );
    assert.equal(t.platform.dialogs.dialogsOf('demo', '1002')[0], d);
    assert.equal((await inc.dialog.bye()).status, 200);
    assert.equal(t.platform.dialogs.dialogsOf('demo', '1001').length, 0);
    assert.equal(t.platform.dialogs.dialogsOf('demo', '1002').length, 0);
    await Promise.all([alice.ua.close(), bob.ua.close()]);
  });

  it('a call that is not answered leaves no dialog', async () => {
    const alice = await open('1001');
    const bob = await open('1002');
    const incoming = bob.ua.nextInvite();
    const out = alice.ua.call('sip:1002@demo');
    (await incoming).reject(486);
    assert.equal((await out.final).status, 486);
    assert.equal(t.platform.dialogs.size, 0);
    await Promise.all([alice.ua.close(), bob.ua.close()]);
  });

  it('an INVITE with Replaces reaches only the flow holding the dialog, and the new dialog takes its place (Switch Phone)', async () => {
    const alice1 = await open('1001', 'Alice desk');
    const alice2 = await open('1001', 'Alice laptop');
    const bob1 = await open('1002', 'Bob desk');
    const bob2 = await open('1002', 'Bob mobile');

    // Alice calls Bob: both of Bob's devices ring, the desk answers.
    const ring2 = bob2.ua.nextInvite();
    const { out, inc } = await answeredCall(alice1.ua, bob1.ua, 'sip:1002@demo');
    await ring2;
    const old = t.platform.dialogs.dialogsOf('demo', '1002')[0]!;
    const before = await cdrsOf(t, alice1);

    // Alice's laptop takes the call over.
    const bob2Invites = invitesOf(bob2.ua);
    const bob1Invites = invitesOf(bob1.ua);
    const replaces = out.dialog!.replaces;
    const { out: sw, inc: replacing } = await answeredCall(alice2.ua, bob1.ua, 'sip:1002@demo', [['Replaces', replaces]]);
    assert.equal(replacing.invite.headers.get('Replaces'), replaces);
    assert.equal(replacing.from, '1001');
    // As RFC 3891 s3 requires, Bob's UA ends the replaced dialog; Alice's desk gets the BYE.
    const byeAtDesk = alice1.ua.nextRequest('BYE');
    assert.equal((await inc.dialog.bye()).status, 200);
    assert.equal((await byeAtDesk).headers.get('Call-ID'), out.dialog!.callId);
    await delay(100);
    assert.equal(bob2Invites.length, 0, 'the INVITE with Replaces was not forked to the other device');
    assert.equal(bob1Invites.length, 1);

    const now = t.platform.dialogs.dialogsOf('demo', '1002');
    assert.equal(now.length, 1);
    assert.equal(now[0]!.callId, sw.dialog!.callId);
    assert.equal(now[0]!.caller.deviceId, alice2.deviceId);
    assert.equal(now[0]!.callee.deviceId, bob1.deviceId);
    assert.equal(now[0]!.startedAt, old.startedAt, 'the conversation keeps its start time');
    assert.equal(t.platform.dialogs.find(old.callId, old.caller.tag, old.callee.tag), undefined);

    // One conversation, one record each: the records follow the call to the laptop.
    assert.equal((await sw.dialog!.bye()).status, 200);
    const after = await cdrsOf(t, alice1);
    assert.equal(after.length, before.length);
    assert.equal(after[0]!.call_id, old.callId);
    assert.equal(after[0]!.disposition, 'answered');
    assert.ok(after[0]!.ended_at, 'ended by the BYE of the new dialog');
    assert.equal(t.platform.dialogs.size, 0);
    await Promise.all([alice1, alice2, bob1, bob2].map((p) => p.ua.close()));
  });

  it('answers 481 for a Replaces naming no dialog we know (or not one of the called user), without ringing anyone', async () => {
    const alice = await open('1001');
    const bob = await open('1002');
    const dan = await open('1004');
    const bobInvites = invitesOf(bob.ua);
    const unknown = alice.ua.call('sip:1002@demo', [['Replaces', 'no-such-call;to-tag=a;from-tag=b']]);
    assert.equal((await unknown.final).status, 481);

    const { out, inc } = await answeredCall(alice.ua, bob.ua, 'sip:1002@demo');
    // The dialog exists, but Dan is not in it: an INVITE to Dan cannot replace it.
    const wrongUser = alice.ua.call('sip:1004@demo', [['Replaces', out.dialog!.replaces]]);
    assert.equal((await wrongUser.final).status, 481);
    // early-only asks for a dialog that is still ringing; this one is confirmed (RFC 3891 s3).
    const early = alice.ua.call('sip:1002@demo', [['Replaces', `${out.dialog!.replaces};early-only`]]);
    assert.equal((await early.final).status, 486);
    assert.equal(bobInvites.length, 1, 'only the original call rang');
    await inc.dialog.bye();
    await Promise.all([alice, bob, dan].map((p) => p.ua.close()));
  });

  it('refuses a stranger\'s INVITE with Replaces with 403', async () => {
    const alice = await open('1001');
    const bob = await open('1002');
    const dan = await open('1004');
    const { out, inc } = await answeredCall(alice.ua, bob.ua, 'sip:1002@demo');
    const bobInvites = invitesOf(bob.ua);
    // Dan learnt the dialog's identifiers somehow, but has no call with Alice: no hijacking.
    const hijack = dan.ua.call('sip:1002@demo', [['Replaces', out.dialog!.replaces]]);
    assert.equal((await hijack.final).status, 403);
    assert.equal(bobInvites.length, 0);
    assert.equal(t.platform.dialogs.dialogsOf('demo', '1002').length, 1);
    await inc.dialog.bye();
    await Promise.all([alice, bob, dan].map((p) => p.ua.close()));
  });

  it('blind transfer: 1002 REFERs 1001 to 1003, 1001 calls 1003 with Referred-By, and all three histories show it', async () => {
    const alice = await open('1001');
    const bob = await open('1002');
    const carol = await open('1003');
    const { out, inc } = await answeredCall(alice.ua, bob.ua, 'sip:1002@demo');

    const referAtAlice = alice.ua.nextRequest('REFER');
    const accepted = await inc.dialog.refer('sip:1003@demo');
    assert.equal(accepted.status, 202);
    const refer = await referAtAlice;
    assert.equal(refer.headers.get('Refer-To'), '<sip:1003@demo>');
    assert.equal(refer.headers.get('Referred-By'), '<sip:1002@demo>');

    // Alice's UA reports progress (NOTIFY, RFC 3515 s2.4.4) and calls Carol.
    const notifyAtBob = bob.ua.nextRequest('NOTIFY');
    assert.equal((await out.dialog!.notifyRefer(100, 'Trying')).status, 200);
    assert.match((await notifyAtBob).body.toString(), /^SIP\/2\.0 100 Trying/);
    const { out: call2, inc: atCarol } = await answeredCall(alice.ua, carol.ua, 'sip:1003@demo', [['Referred-By', '<sip:1002@demo>']]);
    assert.equal(atCarol.invite.headers.get('Referred-By'), '<sip:1002@demo>');
    assert.equal((await out.dialog!.notifyRefer(200, 'OK')).status, 200);
    // The transferor drops out.
    assert.equal((await inc.dialog.bye()).status, 200);
    assert.deepEqual(t.platform.dialogs.dialogsOf('demo', '1002'), []);
    assert.equal(t.platform.dialogs.dialogsOf('demo', '1001')[0]!.callee.extension, '1003');
    assert.equal((await call2.dialog!.bye()).status, 200);

    const [bobs] = await cdrsOf(t, bob);
    assert.equal(bobs!.call_id, out.dialog!.callId);
    assert.equal(bobs!.transferred_to, '1003');
    assert.equal(bobs!.transferred_from, null);
    const [alices2, alices1] = await cdrsOf(t, alice);
    assert.equal(alices2!.remote_number, '1003');
    assert.equal(alices2!.transferred_from, '1002');
    assert.equal(alices1!.call_id, out.dialog!.callId);
    assert.equal(alices1!.transferred_to, null);
    const [carols] = await cdrsOf(t, carol);
    assert.equal(carols!.remote_number, '1001');
    assert.equal(carols!.transferred_from, '1002');
    assert.ok(carols!.ended_at);

    // A Referred-By nobody backed with an accepted REFER is not taken at its word.
    const { out: forged } = await answeredCall(alice.ua, carol.ua, 'sip:1003@demo', [['Referred-By', '<sip:1004@demo>']]);
    await forged.dialog!.bye();
    const [plain] = await cdrsOf(t, carol);
    assert.equal(plain!.transferred_from, null);
    await Promise.all([alice, bob, carol].map((p) => p.ua.close()));
  });

  it('attended transfer: the transferee\'s INVITE with Replaces joins it to the consulted party', async () => {
    const alice = await open('1001');
    const bob = await open('1002');
    const carol = await open('1003');
    const { out: callA, inc: bobA } = await answeredCall(alice.ua, bob.ua, 'sip:1002@demo');
    await bobA.dialog.reinvite('sendonly');
    // Bob consults Carol first.
    const { out: callB, inc: carolB } = await answeredCall(bob.ua, carol.ua, 'sip:1003@demo');
    const referAtAlice = alice.ua.nextRequest('REFER');
    const replaces = callB.dialog!.replaces;
    assert.equal((await bobA.dialog.refer(`sip:1003@demo?Replaces=${encodeURIComponent(replaces)}`)).status, 202);
    assert.match((await referAtAlice).headers.get('Refer-To') ?? '', /Replaces=/);

    // Alice (a third party to Bob-Carol, but in a call with Bob) replaces Bob's leg.
    const carolInvites = invitesOf(carol.ua);
    const { out: callC, inc: carolC } = await answeredCall(alice.ua, carol.ua, 'sip:1003@demo', [['Replaces', replaces]]);
    assert.equal(carolC.invite.headers.get('Replaces'), replaces);
    const byeAtBob = bob.ua.nextRequest('BYE');
    await carolB.dialog.bye();
    await byeAtBob;
    await callA.dialog!.notifyRefer(200, 'OK');
    await bobA.dialog.bye();
    assert.equal(carolInvites.length, 1);
    assert.deepEqual(t.platform.dialogs.dialogsOf('demo', '1002'), []);
    const [live] = t.platform.dialogs.dialogsOf('demo', '1003');
    assert.equal(live!.callId, callC.dialog!.callId);
    assert.equal(live!.caller.extension, '1001');
    await callC.dialog!.bye();

    const bobs = await cdrsOf(t, bob);
    assert.equal(bobs.find((c) => c.call_id === callA.dialog!.callId)!.transferred_to, '1003');
    assert.ok(bobs.find((c) => c.call_id === callB.dialog!.callId)!.ended_at, 'the consultation ended');
    const [alices] = await cdrsOf(t, alice);
    assert.equal(alices!.call_id, callC.dialog!.callId);
    assert.equal(alices!.transferred_from, '1002');
    const [carols] = await cdrsOf(t, carol);
    assert.equal(carols!.call_id, callC.dialog!.callId);
    assert.equal(carols!.remote_number, '1001');
    assert.equal(carols!.transferred_from, '1002');
    await Promise.all([alice, bob, carol].map((p) => p.ua.close()));
  });

  it('a lost connection ends its dialogs: the other party gets a BYE and the records close', async () => {
    const alice = await open('1001');
    const bob = await open('1002');
    const { out, inc } = await answeredCall(alice.ua, bob.ua, 'sip:1002@demo');
    await inc.dialog.request('INFO', 'Signal=1\r\nDuration=100\r\n', 'application/dtmf-relay');
    const byeAtAlice = alice.ua.nextRequest('BYE');
    await bob.ua.close();
    const bye = await byeAtAlice;
    assert.equal(bye.headers.get('Call-ID'), out.dialog!.callId);
    assert.match(bye.headers.get('From') ?? '', new RegExp(`tag=${inc.toTag}`));
    assert.match(bye.headers.get('CSeq') ?? '', /^102 BYE$/, 'above the CSeq of the lost party\'s last request');
    assert.match(bye.headers.get('Reason') ?? '', /cause=480/);
    assert.equal(t.platform.dialogs.size, 0);
    const [a] = await cdrsOf(t, alice);
    assert.ok(a!.ended_at);
    await alice.ua.close();
  });

  it('a 481 to a re-INVITE ends the dialog (RFC 3261 s12.2.1.2)', async () => {
    const alice = await open('1001');
    const bob = await open('1002');
    const { out } = await answeredCall(alice.ua, bob.ua, 'sip:1002@demo');
    bob.ua.inDialogStatus = (req) => (req.method === 'INVITE' ? 481 : 200);
    assert.equal((await out.dialog!.reinvite('sendonly')).status, 481);
    await eventually(() => t.platform.dialogs.size === 0);
    await Promise.all([alice.ua.close(), bob.ua.close()]);
  });
});

describe('live dialogs at shutdown', () => {
  it('stopping the platform during a call closes the call\'s records', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-stop-'));
    const t = await startPlatform({ env: { SWITCHBOARD_DATA: dataDir } });
    const alice = await phone(t, '1001');
    const bob = await phone(t, '1002');
    const { out } = await answeredCall(alice.ua, bob.ua, 'sip:1002@demo');
    await t.close();
    const store = await openTestStore(dataDir);
    try {
      const record = await store.cdrs.findForCall('demo', '1001', out.dialog!.callId);
      assert.equal(record?.disposition, 'answered');
      assert.ok(record?.endedAt, 'ended at shutdown');
    } finally {
      await store.close();
      await removeTestData(dataDir);
    }
  });
});

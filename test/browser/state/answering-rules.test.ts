import { expect } from '@open-wc/testing';
import { PlatformEventMessage } from '../../../src/data/events.js';
import { ruleId } from '../../../src/data/resources/answer-rules.js';
import { ANSWERING_RULES_CHANGED, AnsweringRules, movedOrder, ruleInput } from '../../../src/state/answering-rules.js';
import { FakeRulesPlatform, signedInSession } from '../views/answering-rules/fake-rules-platform.js';

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await tick(5);
  }
}

async function started(platform = new FakeRulesPlatform(), session = signedInSession()) {
  const events = new EventTarget();
  const store = new AnsweringRules(platform.rulesApi, platform.framesApi, platform.accountApi, session, events);
  await until(() => store.rules.length > 0 && !store.loading);
  return { store, platform, events, session };
}

const order = (store: AnsweringRules) => store.rules.map(ruleId);

describe('AnsweringRules store', () => {
  it('loads the rules, my frames, the organisation frames and my settings at sign-in', async () => {
    const { store } = await started();
    expect(order(store)).to.deep.equal(['org-bh', 'tf-lunch', '*']);
    expect(store.active?.time_frame_name).to.equal('Business Hours');
    expect(store.myFrames.map((f) => f.name)).to.deep.equal(['Lunch', 'Trip to Lyon']);
    expect(store.orgFrames.map((f) => f.name)).to.deep.equal(['Business Hours', 'Holidays']);
    expect(store.ringTimeoutS).to.equal(25);
    expect(store.timeZone).to.equal('Europe/Paris');
    expect(store.doNotDisturb).to.equal(false);
    expect(store.freeFrames.map((f) => f.name), 'frames without a rule').to.deep.equal(['Trip to Lyon', 'Holidays']);
  });

  it('empties at logout', async () => {
    const { store, session } = await started();
    session.state = 'signed-out';
    session.user = null;
    session.dispatchEvent(new Event('session-changed'));
    expect(store.rules).to.deep.equal([]);
    expect(store.myFrames).to.deep.equal([]);
  });

  it('moves a rule at once and sends the whole order; the default rule stays last', async () => {
    const { store, platform } = await started();
    const release = platform.hold('reorder');
    const moved = store.move('tf-lunch', 'up');
    expect(order(store), 'shown before the platform answers').to.deep.equal(['tf-lunch', 'org-bh', '*']);
    release();
    expect(await moved).to.equal(true);
    expect(platform.callsOf('reorder')).to.deep.equal([[['tf-lunch', 'org-bh', '*']]]);
    expect(order(store)).to.deep.equal(['tf-lunch', 'org-bh', '*']);
    expect(await store.move('org-bh', 'down'), 'already the last before the default').to.equal(false);
    expect(await store.move('*', 'up'), 'the default rule does not move').to.equal(false);
    expect(platform.callsOf('reorder')).to.have.length(1);
  });

  it('puts the previous order back when the platform refuses (400), and says why', async () => {
    const { store, platform } = await started();
    platform.failNext('reorder', 400, 'The default rule must stay last', 'order');
    let changes = 0;
    store.addEventListener(ANSWERING_RULES_CHANGED, () => changes++);
    const moved = store.move('tf-lunch', 'top');
    expect(order(store)).to.deep.equal(['tf-lunch', 'org-bh', '*']);
    expect(await moved).to.equal(false);
    expect(order(store), 'rolled back').to.deep.equal(['org-bh', 'tf-lunch', '*']);
    expect(store.error).to.equal('The new order was not saved: The default rule must stay last');
    expect(changes).to.be.greaterThan(1);
  });

  it('reads everything again on an answerrules event (the blue dot moves) and on a reconnect', async () => {
    const { store, platform, events } = await started();
    platform.rules = platform.rules.map((r) => ({ ...r, is_active: r.time_frame_id === null }));
    events.dispatchEvent(new PlatformEventMessage({ type: 'answerrules', active: '*', do_not_disturb: false }));
    await until(() => store.active?.time_frame_id === null);
    const lists = platform.callsOf('list').length;
    events.dispatchEvent(new PlatformEventMessage({ type: 'ready', device_id: null } as never));
    await until(() => platform.callsOf('list').length === lists + 1);
  });

  it('follows Do Not Disturb from the event at once', async () => {
    const { store, events } = await started();
    events.dispatchEvent(new PlatformEventMessage({ type: 'answerrules', active: 'dnd', do_not_disturb: true }));
    expect(store.doNotDisturb).to.equal(true);
  });

  it('turns a rule off with a PUT of the whole rule', async () => {
    const { store, platform } = await started();
    const bh = store.rules[0]!;
    expect(await store.setEnabled(bh, false)).to.equal(true);
    const [[id, input]] = platform.callsOf('update') as [[string, Record<string, unknown>]];
    expect(id).to.equal('org-bh');
    expect(input).to.deep.equal({ ...ruleInput(bh), enabled: false });
    expect(input).not.to.have.property('is_active');
    expect(input).not.to.have.property('time_frame_name');
    expect(store.rules[0]!.enabled).to.equal(false);
  });

  it('Do Not Disturb: PUT dnd, and the rules it answers', async () => {
    const { store, platform } = await started();
    expect(await store.setDoNotDisturb(true)).to.equal(true);
    expect(platform.callsOf('setDoNotDisturb')).to.deep.equal([[true]]);
    expect(store.doNotDisturb).to.equal(true);
    expect(store.active?.do_not_disturb).to.equal(true);
    platform.failNext('setDoNotDisturb', 400, 'Nope');
    expect(await store.setDoNotDisturb(false)).to.equal(false);
    expect(store.doNotDisturb).to.equal(true);
    expect(store.error).to.equal('Do Not Disturb was not turned off: Nope');
  });

  it('form actions throw the platform error and reload after success', async () => {
    const { store, platform } = await started();
    platform.failNext('frameRemove', 409, 'Lunch is used by the rule "Lunch"');
    let caught: Error | undefined;
    await store.deleteFrame('tf-lunch').catch((e: Error) => (caught = e));
    expect(caught?.message).to.equal('Lunch is used by the rule "Lunch"');
    await store.deleteFrame('tf-trip');
    expect(store.myFrames.map((f) => f.id)).to.deep.equal(['tf-lunch']);
  });

  it('movedOrder: up, down, top, bottom, never past the default rule', () => {
    const ids = ['a', 'b', 'c', '*'];
    expect(movedOrder(ids, 'b', 'up')).to.deep.equal(['b', 'a', 'c', '*']);
    expect(movedOrder(ids, 'b', 'down')).to.deep.equal(['a', 'c', 'b', '*']);
    expect(movedOrder(ids, 'c', 'top')).to.deep.equal(['c', 'a', 'b', '*']);
    expect(movedOrder(ids, 'a', 'bottom')).to.deep.equal(['b', 'c', 'a', '*']);
    expect(movedOrder(ids, 'a', 'up')).to.equal(null);
    expect(movedOrder(ids, 'c', 'bottom')).to.equal(null);
    expect(movedOrder(ids, '*', 'top')).to.equal(null);
  });
});

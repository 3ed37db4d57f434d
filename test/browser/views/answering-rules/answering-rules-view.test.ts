import { expect } from '@open-wc/testing';
import { ContextProvider } from '@lit/context';
import { areaServicesContext, directoryContext } from '../../../../src/app/contexts.js';
import type { Directory } from '../../../../src/state/directory.js';
import { AnsweringRules } from '../../../../src/state/answering-rules.js';
import '../../../../src/views/answering-rules/sb-answering-rules-view.js';
import type { SbAnsweringRulesView } from '../../../../src/views/answering-rules/sb-answering-rules-view.js';
import { accessibleName, button, deepAll, field, text, XSS } from '../../components/helpers.js';
import { FakeRulesPlatform, signedInSession } from './fake-rules-platform.js';

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await tick(5);
  }
}

function fakeDirectory(): Directory {
  const entries = [
    { extension: '1002', name: 'Bob Baker', online: true, presence: 'online' },
    { extension: '1003', name: 'Carol Chen', online: true, presence: 'online' },
    { extension: '1004', name: 'Dan Dupont', online: false, presence: 'offline' },
  ];
  return Object.assign(new EventTarget(), { entries, names: new Map(entries.map((e) => [e.extension, e.name])) }) as unknown as Directory;
}

async function mount(platform = new FakeRulesPlatform()) {
  const events = new EventTarget();
  const store = new AnsweringRules(platform.rulesApi, platform.framesApi, platform.accountApi, signedInSession(), events);
  await until(() => store.rules.length > 0 && !store.loading);
  const host = document.body.appendChild(document.createElement('div'));
  new ContextProvider(host, { context: areaServicesContext, initialValue: { answeringRules: store } });
  new ContextProvider(host, { context: directoryContext, initialValue: fakeDirectory() });
  const view = document.createElement('sb-answering-rules-view') as SbAnsweringRulesView;
  host.append(view);
  await view.updateComplete;
  return { view, store, platform, events };
}

/** Re-renders settle: the view, then its forms. */
async function settle(view: SbAnsweringRulesView): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await view.updateComplete;
    for (const f of deepAll(view, 'sb-rule-form, sb-time-frame-form')) await (f as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete;
    await tick();
  }
}

const rows = (view: SbAnsweringRulesView) => [...view.shadowRoot!.querySelectorAll<HTMLLIElement>('li.rule')];
const rowOf = (view: SbAnsweringRulesView, name: string) => rows(view).find((li) => li.querySelector('.name')?.textContent === name)!;
const rowButton = (row: Element, name: string) => [...row.querySelectorAll('button')].find((b) => accessibleName(b) === name)!;
const ruleForm = (view: SbAnsweringRulesView) => view.shadowRoot!.querySelector('sb-rule-form')!;
const frameForm = (view: SbAnsweringRulesView) => view.shadowRoot!.querySelector('sb-time-frame-form')!;

function setValue(el: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, value: string): void {
  el.value = value;
  el.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  el.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
}

function check(el: HTMLInputElement, on = true): void {
  el.checked = on;
  el.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
}

afterEach(() => {
  document.querySelectorAll('body > div').forEach((d) => d.remove());
});

describe('sb-answering-rules-view', () => {
  it('lists the rules in priority order with the blue dot and "Active now" on the active one, and is accessible', async () => {
    const { view } = await mount();
    expect(rows(view).map((li) => li.querySelector('.name')!.textContent)).to.deep.equal(['Business Hours', 'Lunch', 'Always']);
    const [bh, lunch, always] = rows(view);
    expect(bh!.querySelector('.dot.active')).to.exist;
    expect(text(view)).to.contain('Active now');
    expect(bh!.textContent).to.contain('Active now');
    expect(lunch!.querySelector('.dot.active')).to.equal(null);
    expect(lunch!.textContent).not.to.contain('Active now');
    expect(bh!.querySelector('.summary')!.textContent).to.equal('Ring my phones and 1003 (Carol Chen) after 10 s; no answer: forward to 1004 (Dan Dupont)');
    expect(lunch!.querySelector('.summary')!.textContent).to.equal('Forward all calls to my voicemail');
    expect(always!.querySelector('.summary')!.textContent).to.equal('Ring my phones, then voicemail after 25 s');
    // The default rule: no switch, no moves.
    expect(always!.querySelector('[role="switch"]')).to.equal(null);
    expect(always!.querySelector('[data-move]')).to.equal(null);
    expect(always!.getAttribute('draggable')).to.equal('false');
    // Switches are named for their rule; move buttons say what they do and are described by the rule.
    expect(accessibleName(bh!.querySelector('[role="switch"]')!)).to.equal('Enable Business Hours');
    expect(bh!.querySelector('[role="switch"]')!.getAttribute('aria-checked')).to.equal('true');
    expect(lunch!.querySelector('[role="switch"]')!.getAttribute('aria-checked')).to.equal('false');
    const up = rowButton(lunch!, 'Move up');
    expect(up.getAttribute('aria-describedby')).to.equal('rule-tf-lunch-name');
    expect(rowButton(bh!, 'Move up').disabled, 'the top rule cannot go up').to.equal(true);
    expect(rowButton(lunch!, 'Move down').disabled, 'nothing goes below the default rule').to.equal(true);
    // Time frames: mine, then the organisation's, read-only.
    expect(text(view)).to.contain('Time Frames');
    const frames = [...view.shadowRoot!.querySelectorAll('li.frame')];
    expect(frames.map((f) => f.querySelector('.name')!.textContent)).to.deep.equal(['Lunch', 'Trip to Lyon', 'Business Hours', 'Holidays']);
    expect(frames[2]!.textContent).to.contain('Organisation');
    expect(frames[2]!.querySelector('button'), 'no Edit on an organisation frame').to.equal(null);
    expect(frames[2]!.textContent).to.contain('Mon–Fri 09:00–17:00');
    await expect(view).to.be.accessible();
  });

  it('Move up sends the new order and keeps the focus on the moved rule', async () => {
    const { view, platform } = await mount();
    rowButton(rowOf(view, 'Lunch'), 'Move up').click();
    await until(() => platform.callsOf('reorder').length === 1);
    expect(platform.callsOf('reorder')).to.deep.equal([[['tf-lunch', 'org-bh', '*']]]);
    await settle(view);
    expect(rows(view).map((li) => li.dataset.id)).to.deep.equal(['tf-lunch', 'org-bh', '*']);
    expect(view.shadowRoot!.activeElement?.textContent, 'focus stays with the rule (its Move down, now that it is at the top)').to.equal('Move down');
    expect(text(view)).to.contain('Lunch moved to position 1 of 3');
    rowButton(rowOf(view, 'Lunch'), 'Move to bottom').click();
    await until(() => platform.callsOf('reorder').length === 2);
    expect(platform.callsOf('reorder')[1]).to.deep.equal([['org-bh', 'tf-lunch', '*']]);
  });

  it('a refused move comes back, and the error is shown in words', async () => {
    const { view, platform } = await mount();
    platform.failNext('reorder', 400, 'The order must list every rule');
    rowButton(rowOf(view, 'Lunch'), 'Move to top').click();
    await until(() => text(view).includes('The order must list every rule'));
    await settle(view);
    expect(rows(view).map((li) => li.dataset.id)).to.deep.equal(['org-bh', 'tf-lunch', '*']);
    expect(view.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.contain('The new order was not saved: The order must list every rule');
  });

  it('reorders by dragging a rule onto another', async () => {
    const { view, platform } = await mount();
    const data = new DataTransfer();
    rowOf(view, 'Lunch').dispatchEvent(new DragEvent('dragstart', { dataTransfer: data, bubbles: true }));
    const over = new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true });
    rowOf(view, 'Business Hours').dispatchEvent(over);
    expect(over.defaultPrevented, 'a rule is a drop target').to.equal(true);
    rowOf(view, 'Business Hours').dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    await until(() => platform.callsOf('reorder').length === 1);
    expect(platform.callsOf('reorder')).to.deep.equal([[['tf-lunch', 'org-bh', '*']]]);
  });

  it('the switch enables and disables a rule', async () => {
    const { view, platform } = await mount();
    (rowOf(view, 'Lunch').querySelector('[role="switch"]') as HTMLButtonElement).click();
    await until(() => platform.callsOf('update').length === 1);
    const [id, input] = platform.callsOf('update')[0] as [string, { enabled: boolean }];
    expect(id).to.equal('tf-lunch');
    expect(input.enabled).to.equal(true);
    await until(() => rowOf(view, 'Lunch').querySelector('[role="switch"]')!.getAttribute('aria-checked') === 'true');
  });

  it('New Rule: forward always to an extension builds that AnswerRuleInput', async () => {
    const { view, platform } = await mount();
    button(view, 'New Rule').click();
    await settle(view);
    const form = ruleForm(view);
    expect(form.shadowRoot!.querySelector('dialog')!.open).to.equal(true);
    const frame = field<HTMLSelectElement>(form, 'Time frame');
    expect([...frame.options].map((o) => o.textContent), 'frames without a rule, then New time frame…').to.deep.equal(['Trip to Lyon', 'Holidays', 'New time frame…']);
    setValue(frame, 'tf-trip');
    check(field(form, 'Forward always'));
    await settle(view);
    setValue(field(form, 'Forward always: extension'), '1003');
    await settle(view);
    await expect(form).to.be.accessible();
    button(form, 'Save Rule').click();
    await until(() => platform.callsOf('create').length === 1);
    expect(platform.callsOf('create')[0]![0]).to.deep.equal({
      time_frame_id: 'tf-trip',
      enabled: true,
      do_not_disturb: false,
      forward_always: { enabled: true, destination: { kind: 'user', extension: '1003' } },
      simultaneous_ring: { enabled: false, targets: [] },
      forward_on_busy: { enabled: false, destination: null },
      forward_no_answer: { enabled: false, destination: null },
      forward_when_unregistered: { enabled: false, destination: null },
      screening: { reject: [], allow: [] },
    });
    await until(() => rows(view).length === 4);
    await settle(view);
    expect(form.shadowRoot!.querySelector('dialog')!.open, 'closed after saving').to.equal(false);
    expect(rowOf(view, 'Trip to Lyon').querySelector('.summary')!.textContent).to.equal('Forward all calls to 1003 (Carol Chen)');
  });

  it('simultaneous ring with a delay, Do Not Disturb, screening and an outside number', async () => {
    const { view, platform } = await mount();
    button(view, 'New Rule').click();
    await settle(view);
    const form = ruleForm(view);
    setValue(field<HTMLSelectElement>(form, 'Time frame'), 'org-hol');
    check(field(form, 'Simultaneous ring'));
    await settle(view);
    setValue(field(form, 'Ring 1: extension'), 'Carol Chen');
    setValue(field(form, 'Ring 1: after (seconds)'), '10');
    button(form, 'Add a destination to ring').click();
    await settle(view);
    setValue(field<HTMLSelectElement>(form, 'Ring 2: send to'), 'number');
    await settle(view);
    expect(text(form)).to.contain('Calls to outside numbers are not set up on this phone system: this forward cannot ring until they are');
    setValue(field(form, 'Ring 2: number'), '+1 555 0100');
    check(field(form, 'Forward on no answer'));
    await settle(view);
    setValue(field<HTMLSelectElement>(form, 'Forward on no answer: send to'), 'voicemail');
    await settle(view);
    setValue(field(form, 'Forward on no answer: extension'), '1002');
    setValue(form.shadowRoot!.querySelector<HTMLTextAreaElement>('#reject')!, '1009, +1 555 0199\n1010');
    await settle(view);
    button(form, 'Save Rule').click();
    await until(() => platform.callsOf('create').length === 1);
    const input = platform.callsOf('create')[0]![0] as Record<string, unknown>;
    expect(input.simultaneous_ring).to.deep.equal({ enabled: true, targets: [
      { destination: { kind: 'user', extension: '1003' }, delay_s: 10 },
      { destination: { kind: 'number', number: '+1 555 0100' }, delay_s: 0 },
    ] });
    expect(input.forward_no_answer).to.deep.equal({ enabled: true, destination: { kind: 'voicemail', extension: '1002' } });
    expect(input.screening).to.deep.equal({ reject: ['1009', '+1 555 0199', '1010'], allow: [] });

    // Edit the default rule: Do Not Disturb; no Enabled, no Delete Rule.
    await settle(view);
    rowButton(rowOf(view, 'Always'), 'Edit').click();
    await settle(view);
    expect(() => field(form, 'Enabled')).to.throw();
    expect(deepAll(form, 'button').map((b) => b.textContent!.trim())).not.to.include('Delete Rule');
    check(field(form, 'Do Not Disturb'));
    await settle(view);
    button(form, 'Save Rule').click();
    await until(() => platform.callsOf('update').length === 1);
    const [id, dnd] = platform.callsOf('update')[0] as [string, Record<string, unknown>];
    expect(id).to.equal('*');
    expect(dnd.do_not_disturb).to.equal(true);
    expect(dnd).not.to.have.property('time_frame_id');
  });

  it('shows the platform’s 400 in words next to the form, which stays open', async () => {
    const { view, platform } = await mount();
    platform.failNext('create', 400, 'Forward on busy needs a destination', 'forward_on_busy');
    button(view, 'New Rule').click();
    await settle(view);
    const form = ruleForm(view);
    check(field(form, 'Forward on busy'));
    await settle(view);
    button(form, 'Save Rule').click();
    await until(() => text(form).includes('Forward on busy needs a destination'));
    const alert = form.shadowRoot!.querySelector('[role="alert"]')!;
    expect(alert.textContent).to.contain('Forward on busy needs a destination');
    expect(form.shadowRoot!.querySelector('dialog')!.open).to.equal(true);
    expect((platform.callsOf('create')[0]![0] as { forward_on_busy: unknown }).forward_on_busy).to.deep.equal({ enabled: true, destination: null });
    // The field the platform named is marked.
    await settle(view);
    expect(field(form, 'Forward on busy: extension').getAttribute('aria-invalid')).to.equal('true');
    await expect(form).to.be.accessible();
  });

  it('marks the simultaneous-ring destination the platform names, as it names it', async () => {
    const { view, platform } = await mount();
    platform.failNext('create', 400, 'Simultaneous ring: there is no extension 1099', 'simultaneous_ring.targets[1].destination.extension');
    button(view, 'New Rule').click();
    await settle(view);
    const form = ruleForm(view);
    check(field(form, 'Simultaneous ring'));
    await settle(view);
    button(form, 'Add a destination to ring').click();
    await settle(view);
    button(form, 'Save Rule').click();
    await until(() => text(form).includes('there is no extension 1099'));
    await settle(view);
    expect(field(form, 'Ring 2: extension').getAttribute('aria-invalid')).to.equal('true');
    expect(field(form, 'Ring 1: extension').getAttribute('aria-invalid')).to.not.equal('true');
  });

  it('deletes a rule after a confirmation', async () => {
    const { view, platform } = await mount();
    rowButton(rowOf(view, 'Lunch'), 'Edit').click();
    await settle(view);
    const form = ruleForm(view);
    expect(field(form, 'Enabled').checked).to.equal(false);
    expect(field(form, 'Forward always').checked).to.equal(true);
    expect(field<HTMLSelectElement>(form, 'Forward always: send to').value).to.equal('my-voicemail');
    button(form, 'Delete Rule').click();
    await settle(view);
    expect(platform.callsOf('remove')).to.have.length(0);
    expect(form.shadowRoot!.querySelector('.confirm')!.textContent).to.contain('Delete the rule for Lunch?');
    button(form, 'Yes, delete').click();
    await until(() => platform.callsOf('remove').length === 1);
    expect(platform.callsOf('remove')).to.deep.equal([['tf-lunch']]);
    await until(() => rows(view).length === 2);
  });

  it('the time frame editor builds days of the week with two ranges', async () => {
    const { view, platform } = await mount();
    button(view, 'New Time Frame').click();
    await settle(view);
    const form = frameForm(view);
    expect(form.shadowRoot!.querySelector('dialog')!.open).to.equal(true);
    setValue(field(form, 'Name'), 'Split shift');
    expect(field<HTMLSelectElement>(form, 'Kind').value).to.equal('days-of-week');
    expect([...form.shadowRoot!.querySelectorAll('.day')].map((d) => d.getAttribute('aria-label'))).to.deep.equal(['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']);
    check(field(form, 'Monday'));
    check(field(form, 'Wednesday'));
    await settle(view);
    setValue(field(form, 'Monday start'), '08:30');
    setValue(field(form, 'Monday end'), '12:00');
    button(form, 'Add range to Monday').click();
    await settle(view);
    setValue(field(form, 'Monday start (second range)'), '13:00');
    setValue(field(form, 'Monday end (second range)'), '17:30');
    expect(() => button(form, 'Add range to Monday'), 'two ranges at most').to.throw();
    await settle(view);
    await expect(form).to.be.accessible();
    button(form, 'Save Time Frame').click();
    await until(() => platform.callsOf('frameCreate').length === 1);
    expect(platform.callsOf('frameCreate')[0]![0]).to.deep.equal({
      name: 'Split shift',
      kind: 'days-of-week',
      days: [
        { day: 1, ranges: [{ start: '08:30', end: '12:00' }, { start: '13:00', end: '17:30' }] },
        { day: 3, ranges: [{ start: '09:00', end: '17:00' }] },
      ],
    });
    await until(() => text(view).includes('Split shift'));
  });

  it('the time frame editor builds dates (every year) and holidays', async () => {
    const { view, platform } = await mount();
    button(view, 'New Time Frame').click();
    await settle(view);
    const form = frameForm(view);
    setValue(field(form, 'Name'), 'Summer');
    setValue(field<HTMLSelectElement>(form, 'Kind'), 'dates');
    await settle(view);
    setValue(field(form, 'Dates 1: from'), '2026-08-01T00:00');
    setValue(field(form, 'Dates 1: until'), '2026-08-15T23:59');
    check(field(form, 'Every year'));
    await settle(view);
    button(form, 'Save Time Frame').click();
    await until(() => platform.callsOf('frameCreate').length === 1);
    expect(platform.callsOf('frameCreate')[0]![0]).to.deep.equal({ name: 'Summer', kind: 'dates', dates: [{ start: '2026-08-01T00:00', end: '2026-08-15T23:59' }], yearly: true });

    await settle(view);
    button(view, 'New Time Frame').click();
    await settle(view);
    setValue(field(form, 'Name'), 'Days off');
    setValue(field<HTMLSelectElement>(form, 'Kind'), 'holidays');
    await settle(view);
    setValue(field(form, 'Holiday 1: name'), 'Bastille Day');
    setValue(field(form, 'Holiday 1: date'), '2026-07-14');
    await settle(view);
    button(form, 'Save Time Frame').click();
    await until(() => platform.callsOf('frameCreate').length === 2);
    expect(platform.callsOf('frameCreate')[1]![0]).to.deep.equal({ name: 'Days off', kind: 'holidays', holidays: [{ name: 'Bastille Day', date: '2026-07-14' }], yearly: false });
  });

  it('a time frame a rule uses is not deleted: the 409 is shown in words', async () => {
    const { view, platform } = await mount();
    platform.failNext('frameRemove', 409, 'Lunch is used by the rule for Lunch: delete or change that rule first');
    const lunch = [...view.shadowRoot!.querySelectorAll('li.frame')].find((f) => f.querySelector('.name')!.textContent === 'Lunch')!;
    rowButton(lunch, 'Edit').click();
    await settle(view);
    const form = frameForm(view);
    expect(field(form, 'Name').value).to.equal('Lunch');
    expect(field(form, 'Monday').checked).to.equal(true);
    expect(field(form, 'Sunday').checked).to.equal(false);
    button(form, 'Delete Time Frame').click();
    await settle(view);
    button(form, 'Yes, delete').click();
    await until(() => text(form).includes('Lunch is used by the rule for Lunch'));
    expect(form.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.contain('delete or change that rule first');
    expect(platform.mineFrames.map((f) => f.id)).to.include('tf-lunch');
  });

  it('moves the blue dot when an answerrules event says another rule is active', async () => {
    const { view, platform, events } = await mount();
    platform.rules = platform.rules.map((r) => ({ ...r, is_active: r.time_frame_id === null }));
    const { PlatformEventMessage } = await import('../../../../src/data/events.js');
    events.dispatchEvent(new PlatformEventMessage({ type: 'answerrules', active: '*', do_not_disturb: false }));
    await until(() => rowOf(view, 'Always').querySelector('.dot.active') !== null);
    expect(rowOf(view, 'Business Hours').querySelector('.dot.active')).to.equal(null);
  });

  it('renders names as text only', async () => {
    const platform = new FakeRulesPlatform();
    platform.rules[1] = { ...platform.rules[1]!, time_frame_name: XSS };
    const { view } = await mount(platform);
    expect(text(view)).to.contain(XSS);
    expect((window as unknown as { __xss?: number }).__xss).to.equal(undefined);
  });

  it('says so while loading and when the list cannot be read', async () => {
    const platform = new FakeRulesPlatform();
    const host = document.body.appendChild(document.createElement('div'));
    const view = document.createElement('sb-answering-rules-view') as SbAnsweringRulesView;
    host.append(view);
    await view.updateComplete;
    expect(text(view)).to.contain('Loading answering rules');
    host.remove();
    platform.failNext('list', 403, 'You may not read these rules');
    const store = new AnsweringRules(platform.rulesApi, platform.framesApi, platform.accountApi, signedInSession(), new EventTarget());
    await until(() => store.error !== '');
    const host2 = document.body.appendChild(document.createElement('div'));
    new ContextProvider(host2, { context: areaServicesContext, initialValue: { answeringRules: store } });
    const view2 = document.createElement('sb-answering-rules-view') as SbAnsweringRulesView;
    host2.append(view2);
    await view2.updateComplete;
    expect(text(view2)).to.contain('Answering rules could not be loaded: You may not read these rules');
    expect(text(view2)).to.contain('No answering rules yet');
  });
});

describe('sb-answering-rules-view: a new time frame from the rule form', () => {
  it('"New time frame…" opens the time frame form; the frame saved is the new rule’s', async () => {
    const platform = new FakeRulesPlatform();
    platform.mineFrames = [platform.mineFrames[0]!];
    platform.orgFrames = [platform.orgFrames[0]!];
    const { view } = await mount(platform);
    button(view, 'New Rule').click();
    await settle(view);
    const form = ruleForm(view);
    const frame = field<HTMLSelectElement>(form, 'Time frame');
    expect([...frame.options].map((o) => o.textContent), 'every frame has a rule').to.deep.equal(['Choose a time frame', 'New time frame…']);
    expect(text(form)).to.contain('Every time frame has a rule');
    expect(button(form, 'Save Rule').disabled).to.equal(true);
    setValue(frame, '__new__');
    await settle(view);
    const frames = frameForm(view);
    expect(frames.shadowRoot!.querySelector('dialog')!.open).to.equal(true);
    setValue(field(frames, 'Name'), 'Evenings');
    setValue(field<HTMLSelectElement>(frames, 'Kind'), 'always');
    await settle(view);
    button(frames, 'Save Time Frame').click();
    await until(() => platform.callsOf('frameCreate').length === 1);
    await until(() => field<HTMLSelectElement>(form, 'Time frame').value === 'tf-2');
    await settle(view);
    expect(frames.shadowRoot!.querySelector('dialog')!.open).to.equal(false);
    expect(form.shadowRoot!.querySelector('dialog')!.open, 'the rule form is still open').to.equal(true);
    button(form, 'Save Rule').click();
    await until(() => platform.callsOf('create').length === 1);
    expect((platform.callsOf('create')[0]![0] as { time_frame_id: string }).time_frame_id).to.equal('tf-2');
  });
});

describe('sb-answering-rules-view: keyboard', () => {
  it('the Enabled switch keeps the focus while its change is sent, and ignores a second click meanwhile', async () => {
    const { view, platform } = await mount();
    const release = platform.hold('update');
    const sw = rowOf(view, 'Lunch').querySelector<HTMLButtonElement>('[role="switch"]')!;
    sw.focus();
    sw.click();
    await settle(view);
    expect(sw.getAttribute('aria-disabled')).to.equal('true');
    expect(view.shadowRoot!.activeElement).to.equal(sw);
    sw.click();
    release();
    await until(() => sw.getAttribute('aria-checked') === 'true');
    expect(platform.callsOf('update')).to.have.length(1);
    expect(view.shadowRoot!.activeElement).to.equal(sw);
  });
});

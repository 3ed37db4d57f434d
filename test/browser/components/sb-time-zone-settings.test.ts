import { expect } from '@open-wc/testing';
import { ContextProvider } from '@lit/context';
import { areaServicesContext } from '../../../src/app/contexts.js';
import '../../../src/components/sb-time-zone-settings.js';
import type { SbTimeZoneSettings } from '../../../src/components/sb-time-zone-settings.js';
import type { AccountChange } from '../../../src/data/resources/account.js';
import type { UserSettingsView } from '../../../src/data/wire.js';
import { until } from './helpers.js';

/** My settings as the platform keeps them: PATCH time_zone, or a 400 for a zone it refuses. */
class FakeAccount {
  readonly changes: AccountChange[] = [];
  view: UserSettingsView = {
    ring_no_answer_timeout_s: 25, voicemail_greeting_index: 0, voicemail_pin_set: false,
    time_zone: null, effective_time_zone: 'UTC', do_not_disturb: false,
  };
  refuse = '';
  async get() { return this.view; }
  async update(change: AccountChange) {
    this.changes.push(change);
    if (this.refuse) throw new Error(this.refuse);
    const zone = change.time_zone === undefined ? this.view.time_zone : change.time_zone;
    this.view = { ...this.view, time_zone: zone, effective_time_zone: zone ?? 'UTC' };
    return this.view;
  }
}

async function mount() {
  const account = new FakeAccount();
  const host = document.body.appendChild(document.createElement('div'));
  new ContextProvider(host, { context: areaServicesContext, initialValue: { account } as never });
  const el = document.createElement('sb-time-zone-settings') as SbTimeZoneSettings;
  host.append(el);
  const select = () => el.shadowRoot!.querySelector<HTMLSelectElement>('select');
  await until(() => select() !== null);
  const submit = async () => {
    el.shadowRoot!.querySelector<HTMLButtonElement>('button[type=submit]')!.click();
    await until(() => account.changes.length > 0);
    await el.updateComplete;
  };
  return { account, el, select, submit, text: () => el.shadowRoot!.textContent!.replace(/\s+/g, ' ') };
}

describe('sb-time-zone-settings', () => {
  afterEach(() => { document.body.innerHTML = ''; });

  it('starts on the organisation\'s zone, names it, and lists the zones the browser knows', async () => {
    const { select, text } = await mount();
    expect(select()!.value).to.equal('');
    expect(select()!.selectedOptions[0]!.textContent).to.contain("The organisation's (UTC)");
    expect([...select()!.options].map((o) => o.value)).to.include('America/New_York');
    expect(text()).to.contain('read in this zone (now UTC)');
  });

  it('Set time zone sends my zone, and says which zone is in effect', async () => {
    const { account, select, submit, text } = await mount();
    select()!.value = 'Europe/Paris';
    await submit();
    expect(account.changes).to.deep.equal([{ time_zone: 'Europe/Paris' }]);
    expect(text()).to.contain('Time frames are read in Europe/Paris');
  });

  it('choosing the organisation\'s again sends null; a refusal is shown in words', async () => {
    const { account, el, select, submit } = await mount();
    account.refuse = 'The platform refused the time zone';
    select()!.value = '';
    await submit();
    expect(account.changes).to.deep.equal([{ time_zone: null }]);
    expect(el.shadowRoot!.querySelector('[role=alert]')!.textContent).to.equal('The platform refused the time zone');
  });
});

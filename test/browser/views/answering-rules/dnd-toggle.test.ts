import { expect } from '@open-wc/testing';
import '../../../../src/app/sb-app.js';
import type { SbApp } from '../../../../src/app/sb-app.js';
import '../../../../src/components/sb-dnd-toggle.js';
import { PlatformEventMessage } from '../../../../src/data/events.js';
import type { PhoneLine } from '../../../../src/state/phone-line.js';
import type { Session } from '../../../../src/state/session.js';
import { AnsweringRules } from '../../../../src/state/answering-rules.js';
import { accessibleName, deepAll, roleOf, text } from '../../components/helpers.js';
import { FakeRulesPlatform, signedInSession } from './fake-rules-platform.js';

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await tick(5);
  }
}

async function mount(platform = new FakeRulesPlatform()) {
  history.replaceState(null, '', '/');
  const session = Object.assign(signedInSession(), {
    offline: false, error: '', displayName: 'Alice Anders',
    user: { domain: 'demo', extension: '1001', first_name: 'Alice', last_name: 'Anders', role: 'user' },
  }) as unknown as Session;
  const events = new EventTarget();
  const store = new AnsweringRules(platform.rulesApi, platform.framesApi, platform.accountApi, session as never, events);
  await until(() => store.rules.length > 0 && !store.loading);
  const line = Object.assign(new EventTarget(), { registration: 'registered', detail: '', state: 'ready' }) as unknown as PhoneLine;
  const app = document.createElement('sb-app') as SbApp;
  Object.assign(app, { session, line, answeringRules: store });
  document.body.append(app);
  await app.updateComplete;
  return { app, store, platform, events };
}

function dndSwitch(app: SbApp): HTMLButtonElement {
  const found = deepAll(app, 'button').filter((b) => roleOf(b) === 'switch' && accessibleName(b) === 'Do Not Disturb');
  expect(found).to.have.length(1);
  return found[0] as HTMLButtonElement;
}

async function settled(app: SbApp): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await app.updateComplete;
    for (const el of deepAll(app, 'sb-dnd-toggle, sb-nav-pane, sb-registration-indicator')) await (el as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete;
    await tick();
  }
}

const indicator = (app: SbApp) => deepAll(app, 'sb-registration-indicator')[0]!;

describe('the quick Do Not Disturb', () => {
  afterEach(() => {
    document.querySelectorAll('sb-app').forEach((a) => a.remove());
    history.replaceState(null, '', '/');
  });

  it('is a switch named "Do Not Disturb" in the top bar; a click sends PUT dnd and the indicator says so', async () => {
    const { app, platform } = await mount();
    await settled(app);
    const sw = dndSwitch(app);
    expect(((sw.getRootNode() as ShadowRoot).host as HTMLElement).parentElement!.tagName, 'in the header').to.equal('HEADER');
    expect(sw.getAttribute('aria-checked')).to.equal('false');
    expect(text(indicator(app))).to.equal('Registered');
    sw.click();
    await until(() => platform.callsOf('setDoNotDisturb').length === 1);
    expect(platform.callsOf('setDoNotDisturb')).to.deep.equal([[true]]);
    await until(() => dndSwitch(app).getAttribute('aria-checked') === 'true');
    await settled(app);
    expect(text(indicator(app))).to.equal('Registered · Do Not Disturb');
    dndSwitch(app).click();
    await until(() => platform.callsOf('setDoNotDisturb').length === 2);
    expect(platform.callsOf('setDoNotDisturb')[1]).to.deep.equal([false]);
    await until(() => dndSwitch(app).getAttribute('aria-checked') === 'false');
    await settled(app);
    expect(text(indicator(app))).to.equal('Registered');
  });

  it('starts from do_not_disturb in my settings and follows answerrules events', async () => {
    const platform = new FakeRulesPlatform();
    platform.settings.do_not_disturb = true;
    const { app, events } = await mount(platform);
    await settled(app);
    expect(dndSwitch(app).getAttribute('aria-checked')).to.equal('true');
    platform.settings.do_not_disturb = false;
    events.dispatchEvent(new PlatformEventMessage({ type: 'answerrules', active: 'org-bh', do_not_disturb: false }));
    await until(() => dndSwitch(app).getAttribute('aria-checked') === 'false');
    await settled(app);
    expect(text(indicator(app))).to.equal('Registered');
  });

  it('stays as it was and says why when the platform refuses', async () => {
    const platform = new FakeRulesPlatform();
    const { app, store } = await mount(platform);
    await settled(app);
    platform.failNext('setDoNotDisturb', 400, 'Do Not Disturb needs a voicemail box');
    dndSwitch(app).click();
    await until(() => store.error !== '');
    await settled(app);
    expect(dndSwitch(app).getAttribute('aria-checked')).to.equal('false');
    expect(store.error).to.equal('Do Not Disturb was not turned on: Do Not Disturb needs a voicemail box');
    // The top bar's switch is far from the area's error line: the shell says why.
    const alert = deepAll(app, '.banner[role="alert"]')[0]!;
    expect(alert.textContent).to.contain('Do Not Disturb was not turned on: Do Not Disturb needs a voicemail box');
    const dismiss = [...alert.querySelectorAll('button')].find((b) => b.textContent === 'Dismiss')!;
    dismiss.click();
    await settled(app);
    expect(deepAll(app, '.banner[role="alert"]')).to.have.length(0);
  });

  it('is not shown before the phone (and its rules) has loaded', async () => {
    history.replaceState(null, '', '/');
    const app = document.createElement('sb-app') as SbApp;
    Object.assign(app, { session: Object.assign(signedInSession(), { offline: false, error: '', displayName: 'A' }) });
    document.body.append(app);
    await app.updateComplete;
    expect(deepAll(app, 'sb-dnd-toggle')).to.have.length(0);
  });
});

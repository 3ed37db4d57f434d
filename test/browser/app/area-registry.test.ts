import { expect } from '@open-wc/testing';
import type { AreaDefinition } from '../../../src/areas/area.js';
import { AREAS, areaForPath } from '../../../src/areas/registry.js';
import '../../../src/app/sb-app.js';
import type { SbApp } from '../../../src/app/sb-app.js';
import type { Session } from '../../../src/state/session.js';
import { button, buttonNames, deepAll, text } from '../components/helpers.js';

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

/** A signed-in session as far as the shell reads it. */
function signedIn(): Session {
  return Object.assign(new EventTarget(), {
    state: 'signed-in', offline: false, error: '', displayName: 'Alice Anders',
    user: { domain: 'demo', extension: '1001', first_name: 'Alice', last_name: 'Anders', role: 'user' },
  }) as unknown as Session;
}

/** A test area: its view module is "loaded" only when load() runs. */
function testArea(): AreaDefinition & { loads: number } {
  const area = {
    id: 'park', label: 'Call Park', icon: 'park' as const, path: '/test-park', tag: 'sb-test-park-view', loads: 0,
    load: async () => {
      area.loads++;
      if (!customElements.get('sb-test-park-view')) {
        customElements.define('sb-test-park-view', class extends HTMLElement {
          connectedCallback() { this.textContent = 'Park slots here'; }
        });
      }
    },
  };
  return area;
}

async function mount(areas: ReadonlyArray<AreaDefinition>): Promise<SbApp> {
  history.replaceState(null, '', '/');
  const app = document.createElement('sb-app') as SbApp;
  Object.assign(app, { areas, session: signedIn() });
  document.body.append(app);
  await app.updateComplete;
  return app;
}

describe('area registry', () => {
  afterEach(() => {
    document.querySelectorAll('sb-app').forEach((a) => a.remove());
    history.replaceState(null, '', '/');
  });

  it('lists the built areas with unique ids and paths, none of them "Calls"', () => {
    expect(AREAS.map((a) => a.label)).to.deep.equal(['Contacts', 'Call History', 'Voicemail', 'Greetings', 'Shared Voicemail', 'Chat and SMS', 'Answering Rules', 'Recordings', 'Settings']);
    expect(new Set(AREAS.map((a) => a.id)).size).to.equal(AREAS.length);
    expect(new Set(AREAS.map((a) => a.path)).size).to.equal(AREAS.length);
    expect(areaForPath(AREAS, '/history')?.id).to.equal('history');
    expect(areaForPath(AREAS, '/')).to.equal(undefined);
  });

  it('an area added by a module appears in the pane and loads its view only when opened', async () => {
    const park = testArea();
    const app = await mount([...AREAS, park]);
    const nav = app.shadowRoot!.querySelector('sb-nav-pane')!;
    await nav.updateComplete;
    expect(buttonNames(nav)).to.include('Call Park');
    expect(park.loads).to.equal(0);
    button(nav, 'Call Park').click();
    await tick(10);
    await app.updateComplete;
    expect(park.loads).to.equal(1);
    expect(location.pathname).to.equal('/test-park');
    expect(text(app)).to.contain('Park slots here');
    // The grid stays beside it (here still starting: no phone services in this test).
    expect(text(app)).to.contain('Starting the phone');
    // Collapse closes the panel and goes back to the bare workspace.
    button(app, 'Collapse Call Park').click();
    await tick(10);
    await app.updateComplete;
    expect(location.pathname).to.equal('/');
    expect(deepAll(app, 'sb-test-park-view')).to.have.length(0);
    // Opened again: a fresh view (the module itself is the browser's cached import).
    button(nav, 'Call Park').click();
    await tick(10);
    await app.updateComplete;
    expect(text(app)).to.contain('Park slots here');
  });

  it('a badge source counts on the area\'s item and updates it', async () => {
    const park = testArea();
    const source = Object.assign(new EventTarget(), { count: 0 });
    const app = await mount([{ ...park, badge: () => source }]);
    Object.assign(app, { missedCalls: source });
    await app.updateComplete;
    const nav = app.shadowRoot!.querySelector('sb-nav-pane')!;
    source.count = 3;
    source.dispatchEvent(new Event('badge-changed'));
    await app.updateComplete;
    await nav.updateComplete;
    expect(buttonNames(nav)).to.include('Call Park');
    const item = [...nav.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent!.includes('Call Park'))!;
    expect(nav.shadowRoot!.getElementById(item.getAttribute('aria-describedby')!)!.textContent).to.equal('3 new');
  });

  it('opens the area of the address bar at start', async () => {
    const park = testArea();
    history.replaceState(null, '', '/test-park');
    const app = document.createElement('sb-app') as SbApp;
    Object.assign(app, { areas: [park], session: signedIn() });
    document.body.append(app);
    await tick(10);
    await app.updateComplete;
    expect(text(app)).to.contain('Park slots here');
  });
});

import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { ClockController } from '../../../src/controllers/clock-controller.js';
import '../../../src/components/sb-call-timer.js';
import type { SbCallTimer } from '../../../src/components/sb-call-timer.js';
import { formatDuration, spokenDuration } from '../../../src/components/format.js';

function timerEl(el: SbCallTimer): HTMLElement {
  return el.shadowRoot!.querySelector('[role="timer"]')!;
}

describe('sb-call-timer', () => {
  it('formats mm:ss and h:mm:ss, and says it in words', () => {
    expect(formatDuration(0)).to.equal('00:00');
    expect(formatDuration(65)).to.equal('01:05');
    expect(formatDuration(3599)).to.equal('59:59');
    expect(formatDuration(3600)).to.equal('1:00:00');
    expect(formatDuration(3725)).to.equal('1:02:05');
    expect(formatDuration(-5)).to.equal('00:00');
    expect(spokenDuration(0)).to.equal('0 minutes 0 seconds');
    expect(spokenDuration(61)).to.equal('1 minute 1 second');
    expect(spokenDuration(125)).to.equal('2 minutes 5 seconds');
    expect(spokenDuration(3725)).to.equal('1 hour 2 minutes 5 seconds');
  });

  it('shows the time since `since` with a spoken label, not as a live region', async () => {
    const since = Date.now() - 65_400;
    const el = await fixture<SbCallTimer>(html`<sb-call-timer .since=${since}></sb-call-timer>`);
    const t = timerEl(el);
    expect(t.textContent).to.equal('01:05');
    expect(t.getAttribute('aria-label')).to.equal('Call duration 1 minute 5 seconds');
    // role=timer is implicitly aria-live="off"; nothing here may turn announcements on.
    expect(t.hasAttribute('aria-live')).to.be.false;
    expect(el.shadowRoot!.querySelector('[aria-live]')).to.be.null;
    await expect(el).to.be.accessible();
  });

  it('ticks every second', async () => {
    const el = await fixture<SbCallTimer>(html`<sb-call-timer .since=${Date.now() - 3_600_000 + 500}></sb-call-timer>`);
    expect(timerEl(el).textContent).to.equal('59:59');
    await waitUntil(() => timerEl(el).textContent === '1:00:00', 'did not tick', { timeout: 2000 });
    expect(timerEl(el).getAttribute('aria-label')).to.equal('Call duration 1 hour 0 minutes 0 seconds');
  });

  it('a future `since` (clock skew) shows 00:00', async () => {
    const el = await fixture<SbCallTimer>(html`<sb-call-timer .since=${Date.now() + 10_000}></sb-call-timer>`);
    expect(timerEl(el).textContent).to.equal('00:00');
  });

  it('stops ticking when removed and restarts when put back', async () => {
    const el = await fixture<SbCallTimer>(html`<sb-call-timer .since=${Date.now()}></sb-call-timer>`);
    expect(el.ticking).to.be.true;
    const parent = el.parentNode!;
    el.remove();
    expect(el.ticking).to.be.false;
    parent.appendChild(el);
    expect(el.ticking).to.be.true;
  });

  it('ClockController clears its timer on disconnect', () => {
    const controllers: ClockController[] = [];
    let updates = 0;
    const host = {
      addController: (c: ClockController) => controllers.push(c),
      removeController: () => {},
      requestUpdate: () => updates++,
      updateComplete: Promise.resolve(true),
    };
    const clock = new ClockController(host, () => 0, 10);
    expect(controllers).to.deep.equal([clock]);
    clock.hostConnected();
    expect(clock.running).to.be.true;
    clock.hostDisconnected();
    expect(clock.running).to.be.false;
    return new Promise<void>((resolve) =>
      setTimeout(() => {
        expect(updates).to.equal(0);
        resolve();
      }, 50),
    );
  });
});

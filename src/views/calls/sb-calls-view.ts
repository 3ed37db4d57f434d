import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { consume } from '@lit/context';
import { callStoreContext, settingsContext } from '../../app/contexts.js';
import { StoreController } from '../../controllers/store-controller.js';
import type { CallStore } from '../../state/call-store.js';
import type { SettingsStore } from '../../state/settings.js';
import { CallActionEvent } from '../../components/sb-call-card.js';
import { DialEvent } from '../../components/sb-dialpad.js';
import { baseStyles, buttonStyles } from '../../components/shared-styles.js';
import '../../components/sb-call-grid.js';
import '../../components/sb-dialpad.js';
import '../../components/sb-remote-audio.js';

/**
 * The phone itself: a "New Call" dialpad and the grid of call cards. Turns the cards' actions
 * into CallStore commands and plays each call's remote audio on the chosen speaker.
 */
@customElement('sb-calls-view')
export class SbCallsView extends LitElement {
  static override styles = [
    baseStyles,
    buttonStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        gap: var(--sb-sys-space-md);
        padding: var(--sb-sys-space-md);
      }
      .toolbar {
        display: flex;
        align-items: center;
        gap: var(--sb-sys-space-sm);
      }
      .new-call {
        align-self: flex-start;
        max-width: 22rem;
        width: 100%;
        padding: var(--sb-sys-space-md);
        border-radius: var(--sb-sys-radius-card);
        background: var(--sb-sys-color-surface);
        box-shadow: var(--sb-sys-elevation-card);
      }
      h2 {
        margin: 0 0 var(--sb-sys-space-sm);
        font-size: var(--sb-sys-font-size-title);
      }
    `,
  ];

  @consume({ context: callStoreContext, subscribe: true })
  calls?: CallStore;

  @consume({ context: settingsContext, subscribe: true })
  settings?: SettingsStore;

  @state() private dialpadOpen = false;
  @state() private dtmfOpen: string[] = [];

  private readonly watch = new StoreController(this, ['calls-changed']);
  private readonly watchSettings = new StoreController(this, ['settings-changed']);

  /** Opens the New Call dialpad (from the shell's toolbar or a tel: link), optionally pre-filled. */
  openDialpad(number = ''): void {
    this.dialpadOpen = true;
    void this.updateComplete.then(() => {
      const pad = this.renderRoot.querySelector('sb-dialpad');
      if (pad) {
        pad.value = number;
        pad.focus();
      }
    });
  }

  override willUpdate(): void {
    this.watch.observe(this.calls);
    this.watchSettings.observe(this.settings);
  }

  override render() {
    const store = this.calls;
    if (!store) return nothing;
    const calls = store.calls;
    const speaker = this.settings?.value.speaker ?? '';
    return html`
      ${calls.length
        ? html`<div class="toolbar">
            <button class="btn primary" @click=${() => this.openDialpad()} aria-expanded=${this.dialpadOpen}>New Call</button>
          </div>`
        : nothing /* the empty grid offers its own "New Call" */}
      ${this.dialpadOpen
        ? html`<section class="new-call" aria-label="New call">
            <h2>New call</h2>
            <sb-dialpad mode="dial" closable @sb-dial=${this.onDial} @sb-dialpad-close=${() => (this.dialpadOpen = false)}></sb-dialpad>
          </section>`
        : nothing}
      <sb-call-grid
        .calls=${calls}
        .activeId=${store.activeId}
        .dialpadIds=${this.dtmfOpen}
        @sb-call-action=${this.onAction}
        @sb-new-call=${() => this.openDialpad()}
      ></sb-call-grid>
      ${repeat(
        calls.filter((c) => c.status === 'connected' || c.status === 'held' || c.status === 'connecting'),
        (c) => c.id,
        (c) => html`<sb-remote-audio .stream=${store.phoneCall(c.id)?.remoteStream ?? null} .sinkId=${speaker}></sb-remote-audio>`,
      )}
    `;
  }

  private onDial(e: DialEvent): void {
    this.dialpadOpen = false;
    void this.calls?.dial(e.detail.number);
  }

  private onAction(e: CallActionEvent): void {
    const store = this.calls;
    if (!store) return;
    const { callId, action, tone } = e.detail;
    switch (action) {
      case 'answer': void store.answer(callId); break;
      case 'decline': store.decline(callId); break;
      case 'hangup': store.hangup(callId); break;
      case 'mute': store.setMuted(callId, true); break;
      case 'unmute': store.setMuted(callId, false); break;
      case 'hold': void store.hold(callId); break;
      case 'resume': void store.switchTo(callId); break;
      case 'dtmf': if (tone) store.sendDtmf(callId, tone); break;
      case 'dismiss': store.dismiss(callId); break;
      case 'toggle-dialpad':
        this.dtmfOpen = this.dtmfOpen.includes(callId) ? this.dtmfOpen.filter((id) => id !== callId) : [...this.dtmfOpen, callId];
        break;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-calls-view': SbCallsView;
  }
}

import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { CallSnapshot } from '../phone/types.js';
import { icon } from './icons.js';
import { baseStyles, buttonStyles } from './shared-styles.js';
import type { ConsultationInfo } from './sb-call-card.js';
import './sb-call-card.js';
import './sb-conference-card.js';

/** A conference as the grid shows it (one `sb-conference-card`). */
export interface GridConference {
  id: string;
  /** The legs, in the order they joined. */
  participants: ReadonlyArray<CallSnapshot>;
  muted: boolean;
  held: boolean;
  /** Absent means not recording. */
  recording?: boolean;
}

/** "New Call" in the empty state. */
export class NewCallEvent extends Event {
  static readonly eventName = 'sb-new-call' as const;
  constructor() {
    super(NewCallEvent.eventName, { bubbles: true, composed: true });
  }
}

/**
 * The grid of live cards: one column on a phone, up to three on a wide screen.
 *
 * Calls are rendered from properties: the app passes `conferences` and `calls` (in the order to
 * show them), `activeId`, `dialpadIds` and the per-call options state (`recordingIds`,
 * `consultations`, `mergeableIds`, `canSwitch`), and listens for `sb-call-action` and
 * `sb-conference-action` bubbling out of the cards. Conferences come first, one card each; a call
 * that is a participant of a conference is not shown again as its own card. Other kinds of card
 * (a chat conversation, later) can be slotted and follow the calls. With no calls, no
 * conferences and nothing slotted it shows an empty state with "New Call".
 *
 * @fires sb-new-call - {@link NewCallEvent} from the empty state's "New Call".
 * @fires sb-call-action - bubbles from the call cards ({@link CallActionEvent}).
 * @fires sb-conference-action - bubbles from the conference cards ({@link ConferenceActionEvent}).
 * @slot - further cards, laid out after the calls
 * @csspart grid - the grid container
 * @csspart empty - the empty state
 * @cssprop --sb-call-grid-min-column - narrowest a column gets before the grid drops one (default: 20rem)
 * @cssprop --sb-call-grid-gap - space between cards (default: md spacing)
 */
@customElement('sb-call-grid')
export class SbCallGrid extends LitElement {
  static override styles = [
    baseStyles,
    buttonStyles,
    css`
      :host {
        display: block;
        --_gap: var(--sb-call-grid-gap, var(--sb-sys-space-md));
        --_min: var(--sb-call-grid-min-column, 20rem);
      }

      .grid {
        display: grid;
        gap: var(--_gap);
        /* At least --_min wide, and never more than three columns however wide the screen. */
        grid-template-columns: repeat(auto-fill, minmax(min(100%, max(var(--_min), (100% - 2 * var(--_gap)) / 3)), 1fr));
        align-items: start;
      }

      .empty {
        display: flex;
        flex-direction: column;
        align-items: center;
        gap: var(--sb-sys-space-sm);
        max-width: 24rem;
        margin: var(--sb-sys-space-xl) auto;
        padding: var(--sb-sys-space-xl) var(--sb-sys-space-lg);
        border: 1px dashed var(--sb-sys-color-outline);
        border-radius: var(--sb-sys-radius-card);
        text-align: center;
      }

      .empty .art {
        display: grid;
        place-items: center;
        width: 4rem;
        height: 4rem;
        border-radius: var(--sb-sys-radius-pill);
        background: var(--sb-sys-color-primary-container);
        color: var(--sb-sys-color-on-primary-container);
      }

      .empty .art .icon {
        width: 1.75rem;
        height: 1.75rem;
      }

      .empty h2 {
        margin: var(--sb-sys-space-xs) 0 0;
        font-size: var(--sb-sys-font-size-headline);
        font-weight: 650;
      }

      .empty p {
        margin: 0 0 var(--sb-sys-space-sm);
        color: var(--sb-sys-color-on-surface-muted);
      }
    `,
  ];

  @property({ attribute: false })
  calls: ReadonlyArray<CallSnapshot> = [];

  /** Conferences, shown before the single calls. */
  @property({ attribute: false })
  conferences: ReadonlyArray<GridConference> = [];

  /** The call (or conference id) the user is talking on, or null. */
  @property({ attribute: 'active-id' })
  activeId: string | null = null;

  /** Calls whose DTMF pad is open. */
  @property({ attribute: false })
  dialpadIds: ReadonlyArray<string> = [];

  /** Calls being recorded. */
  @property({ attribute: false })
  recordingIds: ReadonlyArray<string> = [];

  /** Attended transfers under way: call id -> its role and who the other call is with. */
  @property({ attribute: false })
  consultations: Readonly<Record<string, ConsultationInfo>> = {};

  /** Calls started with Add Call that can be merged into a conference. */
  @property({ attribute: false })
  mergeableIds: ReadonlyArray<string> = [];

  /** Another of the user's devices is online: every live call offers "Switch Phone". */
  @property({ type: Boolean, attribute: 'can-switch' })
  canSwitch = false;

  @state()
  private slotted = 0;

  private onSlotChange(e: Event): void {
    this.slotted = (e.target as HTMLSlotElement).assignedElements().length;
  }

  override render() {
    const inConference = new Set(this.conferences.flatMap((c) => c.participants.map((p) => p.id)));
    const calls = this.calls.filter((c) => !inConference.has(c.id));
    const empty = calls.length === 0 && this.conferences.length === 0 && this.slotted === 0;
    return html`
      <div class="grid" part="grid" ?hidden=${empty}>
        ${repeat(
          this.conferences,
          (conf) => conf.id,
          (conf) => html`<sb-conference-card
            .id=${conf.id}
            .participants=${conf.participants}
            .muted=${conf.muted}
            .held=${conf.held}
            .recording=${conf.recording ?? false}
            .active=${conf.id === this.activeId}
          ></sb-conference-card>`,
        )}
        ${repeat(
          calls,
          (call) => call.id,
          (call) => html`<sb-call-card
            .call=${call}
            ?active=${call.id === this.activeId}
            ?show-dialpad=${this.dialpadIds.includes(call.id)}
            .recording=${this.recordingIds.includes(call.id)}
            .consultation=${this.consultations[call.id] ?? null}
            .mergeable=${this.mergeableIds.includes(call.id)}
            .canSwitch=${this.canSwitch}
          ></sb-call-card>`,
        )}
        <slot @slotchange=${this.onSlotChange}></slot>
      </div>
      ${empty
        ? html`<div class="empty" part="empty">
            <span class="art" aria-hidden="true">${icon('phone')}</span>
            <h2>No calls</h2>
            <p>Calls you make or receive show up here.</p>
            <button class="btn primary" type="button" @click=${this.onNewCall}>${icon('phone')}New Call</button>
          </div>`
        : nothing}
    `;
  }

  private onNewCall(): void {
    this.dispatchEvent(new NewCallEvent());
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-call-grid': SbCallGrid;
  }
  interface HTMLElementEventMap {
    'sb-new-call': NewCallEvent;
  }
}

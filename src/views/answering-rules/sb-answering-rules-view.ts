import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { consume } from '@lit/context';
import { areaServicesContext, directoryContext } from '../../app/contexts.js';
import type { AreaServices } from '../../areas/area.js';
import { StoreController } from '../../controllers/store-controller.js';
import { ruleId } from '../../data/resources/answer-rules.js';
import type { ApiError } from '../../data/http.js';
import type { AnswerRuleView, TimeFrameView } from '../../data/wire.js';
import type { RuleMove } from '../../state/answering-rules.js';
import { summarizeRule, usesOutsideNumber } from '../../state/answer-rule-summary.js';
import type { Directory } from '../../state/directory.js';
import { icon } from '../../components/icons.js';
import { baseStyles, buttonStyles, listStateStyles, viewStyles } from '../../components/shared-styles.js';
import { OUTSIDE_NUMBER_HINT, type RuleDeleteEvent, type RuleSaveEvent, type SbRuleForm } from './sb-rule-form.js';
import { KIND_NAMES, type FrameDeleteEvent, type FrameSaveEvent } from './sb-time-frame-form.js';
import { frameSummary } from './time-frame-summary.js';
import './sb-rule-form.js';
import './sb-time-frame-form.js';

const MOVES: ReadonlyArray<{ move: RuleMove; label: string }> = [
  { move: 'up', label: 'Move up' },
  { move: 'down', label: 'Move down' },
  { move: 'top', label: 'Move to top' },
  { move: 'bottom', label: 'Move to bottom' },
];

/** Ids are used in element ids: keep them to safe characters. */
const domId = (id: string) => (id === '*' ? 'default' : id.replace(/[^A-Za-z0-9_-]/g, '_'));

/**
 * Answering Rules: where my calls go. The rules in priority order, the active one marked with a
 * blue dot and "Active now"; each with its time frame, what it does in one line, an Enabled
 * switch, Edit, and its place in the order (drag a rule, or Move up / Move down / Move to top /
 * Move to bottom). The default rule (Always) is last and stays there. "New Rule" and "Edit" open
 * the rule form; below, my time frames and the organisation's (read-only), with "New Time Frame"
 * and "Edit" opening the time frame form.
 */
@customElement('sb-answering-rules-view')
export class SbAnsweringRulesView extends LitElement {
  static override styles = [
    viewStyles,
    baseStyles,
    buttonStyles,
    listStateStyles,
    css`
      h2 {
        margin: var(--sb-sys-space-lg) 0 var(--sb-sys-space-sm);
        font-size: var(--sb-sys-font-size-title);
      }

      .head {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        justify-content: space-between;
        gap: var(--sb-sys-space-sm);
      }

      .intro {
        margin: 0;
        color: var(--sb-sys-color-on-surface-muted);
        font-size: var(--sb-sys-font-size-small);
      }

      ol,
      ul {
        display: flex;
        flex-direction: column;
        margin: 0;
        padding: 0;
        list-style: none;
      }

      .rule,
      .frame {
        display: grid;
        grid-template-columns: 1.25rem minmax(0, 1fr) auto;
        gap: var(--sb-sys-space-xs) var(--sb-sys-space-sm);
        align-items: center;
        padding: var(--sb-sys-space-md) var(--sb-sys-space-sm);
        border-bottom: 1px solid var(--sb-sys-color-outline);
        background: var(--sb-sys-color-surface);
      }

      .frame {
        grid-template-columns: minmax(0, 1fr) auto;
      }

      .rule[draggable='true'] {
        cursor: grab;
      }

      .rule.dragging {
        opacity: 0.5;
      }

      .rule.drop-target {
        box-shadow: inset 0 3px 0 var(--sb-sys-color-primary);
      }

      .rule.disabled .name,
      .rule.disabled .summary {
        color: var(--sb-sys-color-on-surface-muted);
      }

      .dot {
        width: 0.75rem;
        height: 0.75rem;
        border-radius: var(--sb-sys-radius-pill);
      }

      .dot.active {
        background: var(--sb-sys-color-primary);
        box-shadow: 0 0 0 3px var(--sb-sys-color-primary-container);
      }

      .title {
        display: flex;
        flex-wrap: wrap;
        align-items: baseline;
        gap: var(--sb-sys-space-xs) var(--sb-sys-space-sm);
        min-width: 0;
      }

      .name {
        margin: 0;
        font-size: var(--sb-sys-font-size-body, 1rem);
        font-weight: 650;
        overflow-wrap: anywhere;
      }

      .tag {
        padding: 0 var(--sb-sys-space-sm);
        border-radius: var(--sb-sys-radius-pill);
        font-size: var(--sb-sys-font-size-small);
        font-weight: 650;
        background: var(--sb-sys-color-surface-variant);
      }

      .tag.now {
        background: var(--sb-sys-color-primary-container);
        color: var(--sb-sys-color-on-primary-container);
      }

      .summary,
      .meta {
        grid-column: 2 / -1;
        margin: 0;
        overflow-wrap: anywhere;
      }

      .frame .meta {
        grid-column: 1 / -1;
      }

      .meta,
      .note {
        color: var(--sb-sys-color-on-surface-muted);
        font-size: var(--sb-sys-font-size-small);
      }

      .note {
        grid-column: 2 / -1;
        margin: 0;
      }

      .actions {
        grid-column: 2 / -1;
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: var(--sb-sys-space-xs);
      }

      .frame .actions {
        grid-column: 1 / -1;
      }

      .btn.small {
        min-height: 2.25rem;
        padding: 0 var(--sb-sys-space-sm);
        font-size: var(--sb-sys-font-size-small);
      }

      .btn[aria-disabled='true'] {
        cursor: progress;
      }

      .switch {
        display: inline-flex;
        align-items: center;
        gap: var(--sb-sys-space-sm);
      }

      .track {
        position: relative;
        width: 2.5rem;
        height: 1.4rem;
        border-radius: var(--sb-sys-radius-pill);
        background: var(--sb-sys-color-on-surface-muted);
      }

      .thumb {
        position: absolute;
        top: 0.2rem;
        left: 0.2rem;
        width: 1rem;
        height: 1rem;
        border-radius: 50%;
        background: var(--sb-sys-color-surface);
        transition: translate var(--sb-sys-motion-duration-short) var(--sb-sys-motion-easing);
      }

      [aria-checked='true'] .track {
        background: var(--sb-sys-color-primary);
      }

      [aria-checked='true'] .thumb {
        translate: 1.1rem 0;
      }

      @media (prefers-reduced-motion: reduce) {
        .thumb {
          transition: none;
        }
      }
    `,
  ];

  @consume({ context: areaServicesContext, subscribe: true }) services?: AreaServices;
  @consume({ context: directoryContext, subscribe: true }) directory?: Directory;

  /** The rule form: null closed, 'new', or the id of the rule edited. */
  @state() private editing: string | null = null;
  /** The time frame form: null closed, 'new', or the id of the frame edited. */
  @state() private editingFrame: string | null = null;
  @state() private formError = '';
  @state() private formErrorField = '';
  @state() private frameError = '';
  @state() private saving = false;
  /** Said after a move or a change ("Lunch moved to position 1 of 3"). */
  @state() private notice = '';
  @state() private dragged: string | null = null;
  @state() private dropTarget: string | null = null;
  /** The time frame form was opened from the rule form's "New time frame…". */
  private frameForRule = false;

  @query('sb-rule-form') private ruleForm?: SbRuleForm;

  private readonly watch = new StoreController(this, ['answering-rules-changed']);
  private readonly watchDirectory = new StoreController(this, ['directory-changed']);

  private get store() {
    return this.services?.answeringRules;
  }

  protected override willUpdate(_changed: PropertyValues<this>): void {
    this.watch.observe(this.store);
    this.watchDirectory.observe(this.directory);
  }

  override render() {
    const store = this.store;
    const rules = store?.rules ?? [];
    return html`
      <div role="alert">${store?.error ? html`<p class="error">${icon('alert')}<span>${store.error}</span></p>` : nothing}</div>
      <div role="status" class="sr-only">${this.notice}</div>
      <div class="head">
        <h2 id="rules-title">Rules</h2>
        <button class="btn primary" type="button" ?disabled=${!store || rules.length === 0} @click=${() => this.openRule('new')}>New Rule</button>
      </div>
      <p class="intro" id="rules-intro">The highest rule whose time frame matches now answers your calls (the blue dot). Drag a rule, or move it with its buttons.</p>
      ${!store || (store.loading && rules.length === 0)
        ? html`<p class="loading" role="status">Loading answering rules…</p>`
        : rules.length === 0
          ? html`<p class="empty">${icon('rules')}No answering rules yet.</p>`
          : html`<ol aria-labelledby="rules-title" aria-describedby="rules-intro">${repeat(rules, ruleId, (r, i) => this.renderRule(r, i, rules.length))}</ol>`}

      <div class="head">
        <h2 id="frames-title">Time Frames</h2>
        <button class="btn secondary" type="button" ?disabled=${!store} @click=${() => this.openFrame('new')}>New Time Frame</button>
      </div>
      ${store?.timeZone ? html`<p class="intro">Times are in ${store.timeZone}.</p>` : nothing}
      ${this.renderFrames()}

      <sb-rule-form
        .open=${this.editing !== null}
        .rule=${this.editing && this.editing !== 'new' ? rules.find((r) => ruleId(r) === this.editing) ?? null : null}
        .frames=${store?.freeFrames ?? []}
        .directory=${this.directory?.entries ?? []}
        .me=${store?.me ?? ''}
        .ringTimeoutS=${store?.ringTimeoutS ?? 25}
        .error=${this.formError}
        .errorField=${this.formErrorField}
        .busy=${this.saving}
        @sb-rule-save=${this.onSaveRule}
        @sb-rule-delete=${this.onDeleteRule}
        @sb-rule-cancel=${() => (this.editing = null)}
        @sb-rule-new-frame=${() => {
          this.frameForRule = true;
          this.openFrame('new');
        }}
      ></sb-rule-form>
      <sb-time-frame-form
        .open=${this.editingFrame !== null}
        .frame=${this.editingFrame && this.editingFrame !== 'new' ? store?.myFrames.find((f) => f.id === this.editingFrame) ?? null : null}
        .error=${this.frameError}
        .busy=${this.saving}
        @sb-frame-save=${this.onSaveFrame}
        @sb-frame-delete=${this.onDeleteFrame}
        @sb-frame-cancel=${() => {
          this.editingFrame = null;
          this.frameForRule = false;
        }}
      ></sb-time-frame-form>
    `;
  }

  private renderRule(r: AnswerRuleView, index: number, count: number) {
    const store = this.store!;
    const id = ruleId(r);
    const dom = domId(id);
    const isDefault = r.time_frame_id === null;
    const last = count - 1;
    // The default rule is last; the others move among themselves, above it.
    const movableLast = store.rules.some((x) => x.time_frame_id === null) ? last - 1 : last;
    const names = this.directory?.names;
    const summary = summarizeRule(r, { ringTimeoutS: store.ringTimeoutS, me: store.me, nameOf: (ext) => names?.get(ext) });
    // Only the ends disable a move; while a change is being sent the buttons wait (aria-disabled)
    // rather than lose the keyboard focus by being disabled.
    const disabledMove = (m: RuleMove) => ((m === 'up' || m === 'top') && index === 0) || ((m === 'down' || m === 'bottom') && index >= movableLast);
    return html`<li
      class="rule ${r.enabled ? '' : 'disabled'} ${this.dragged === id ? 'dragging' : ''} ${this.dropTarget === id ? 'drop-target' : ''}"
      data-id=${id}
      aria-labelledby="rule-${dom}-name"
      draggable=${isDefault ? 'false' : 'true'}
      @dragstart=${(e: DragEvent) => this.onDragStart(e, id)}
      @dragend=${() => this.endDrag()}
      @dragover=${(e: DragEvent) => this.onDragOver(e, id)}
      @dragleave=${() => (this.dropTarget = this.dropTarget === id ? null : this.dropTarget)}
      @drop=${(e: DragEvent) => this.onDrop(e, id)}
    >
      <span class="dot ${r.is_active ? 'active' : ''}" aria-hidden="true"></span>
      <div class="title">
        <h3 class="name" id="rule-${dom}-name">${r.time_frame_name}</h3>
        ${r.is_active ? html`<span class="tag now">Active now</span>` : nothing}
        ${isDefault ? html`<span class="tag">Default</span>` : nothing}
        ${r.enabled ? nothing : html`<span class="tag">Off</span>`}
      </div>
      ${isDefault
        ? html`<span></span>`
        : html`<button class="btn ghost small switch" type="button" role="switch" aria-checked=${r.enabled ? 'true' : 'false'}
            aria-label="Enable ${r.time_frame_name}" aria-disabled=${store.busy ? 'true' : 'false'} @click=${() => void this.toggle(r)}>
            <span class="track" aria-hidden="true"><span class="thumb"></span></span><span aria-hidden="true">${r.enabled ? 'On' : 'Off'}</span>
          </button>`}
      <p class="summary" id="rule-${dom}-summary">${summary}</p>
      ${usesOutsideNumber(r) ? html`<p class="note">${OUTSIDE_NUMBER_HINT}.</p>` : nothing}
      ${isDefault ? html`<p class="note">When no other rule applies. It stays last.</p>` : nothing}
      <div class="actions">
        <button class="btn secondary small" type="button" aria-describedby="rule-${dom}-name" @click=${() => this.openRule(id)}>Edit</button>
        ${isDefault
          ? nothing
          : MOVES.map(({ move, label }) => html`<button class="btn ghost small" type="button" data-move=${move} aria-describedby="rule-${dom}-name"
              ?disabled=${disabledMove(move)} aria-disabled=${store.busy ? 'true' : 'false'} @click=${() => void this.move(id, move)}>${label}</button>`)}
      </div>
    </li>`;
  }

  private renderFrames() {
    const store = this.store;
    if (!store) return nothing;
    const frames = [...store.myFrames, ...store.orgFrames];
    if (frames.length === 0) return store.loading ? nothing : html`<p class="empty">No time frames yet.</p>`;
    const usedBy = new Map(store.rules.map((r) => [r.time_frame_id, r]));
    return html`<ul aria-labelledby="frames-title">
      ${repeat(frames, (f) => `${f.scope}:${f.id}`, (f) => this.renderFrame(f, usedBy.has(f.id)))}
    </ul>`;
  }

  private renderFrame(f: TimeFrameView, used: boolean) {
    const dom = `frame-${domId(f.scope)}-${domId(f.id)}`;
    return html`<li class="frame" aria-labelledby="${dom}-name">
      <div class="title">
        <h3 class="name" id="${dom}-name">${f.name}</h3>
        ${f.scope === 'domain' ? html`<span class="tag">Organisation</span>` : nothing}
        ${f.matches_now ? html`<span class="tag now">Now</span>` : nothing}
      </div>
      <span></span>
      <p class="meta">${KIND_NAMES[f.kind]} · ${frameSummary(f)}${used ? ' · has a rule' : ''}</p>
      ${f.scope === 'user'
        ? html`<div class="actions"><button class="btn secondary small" type="button" aria-describedby="${dom}-name" @click=${() => this.openFrame(f.id)}>Edit</button></div>`
        : nothing}
    </li>`;
  }

  private openRule(id: string): void {
    this.formError = '';
    this.editing = id;
  }

  private openFrame(id: string): void {
    this.frameError = '';
    this.editingFrame = id;
  }

  private async move(id: string, move: RuleMove): Promise<void> {
    const store = this.store;
    if (!store || store.busy) return;
    const moved = await store.move(id, move);
    if (!moved) return;
    const at = store.rules.findIndex((r) => ruleId(r) === id);
    const rule = store.rules[at];
    this.notice = `${rule?.time_frame_name ?? 'The rule'} moved to position ${at + 1} of ${store.rules.length}`;
    await this.updateComplete;
    // The row moved in the list: keep the focus on its button (the opposite one at an end).
    const row = [...this.renderRoot.querySelectorAll<HTMLElement>('li.rule')].find((li) => li.dataset.id === id);
    const opposite: Record<RuleMove, RuleMove> = { up: 'down', top: 'down', down: 'up', bottom: 'up' };
    const same = row?.querySelector<HTMLButtonElement>(`[data-move="${move}"]`);
    (same && !same.disabled ? same : row?.querySelector<HTMLButtonElement>(`[data-move="${opposite[move]}"]`))?.focus();
  }

  private async toggle(r: AnswerRuleView): Promise<void> {
    if (!this.store || this.store.busy) return;
    if (await this.store.setEnabled(r, !r.enabled)) this.notice = `${r.time_frame_name} ${r.enabled ? 'disabled' : 'enabled'}`;
  }

  private onDragStart(e: DragEvent, id: string): void {
    if (id === '*') return e.preventDefault();
    this.dragged = id;
    e.dataTransfer?.setData('text/plain', id);
    if (e.dataTransfer) e.dataTransfer.effectAllowed = 'move';
  }

  private onDragOver(e: DragEvent, id: string): void {
    if (!this.dragged || this.dragged === id) return;
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'move';
    this.dropTarget = id;
  }

  private endDrag(): void {
    this.dragged = null;
    this.dropTarget = null;
  }

  /** Dropped on a row: the dragged rule takes that row's place (the default rule stays last). */
  private onDrop(e: DragEvent, target: string): void {
    e.preventDefault();
    const id = this.dragged ?? e.dataTransfer?.getData('text/plain') ?? '';
    this.endDrag();
    const store = this.store;
    if (!store || store.busy || !id || id === target || id === '*') return;
    const ids = store.rules.map(ruleId).filter((x) => x !== '*');
    const from = ids.indexOf(id);
    let to = target === '*' ? ids.length - 1 : ids.indexOf(target);
    if (from < 0 || to < 0) return;
    ids.splice(from, 1);
    if (target === '*') to = ids.length;
    ids.splice(to, 0, id);
    const order = store.rules.some((r) => r.time_frame_id === null) ? [...ids, '*'] : ids;
    void store.reorder(order).then((ok) => {
      if (ok) this.notice = `${store.rules.find((r) => ruleId(r) === id)?.time_frame_name ?? 'The rule'} moved to position ${order.indexOf(id) + 1} of ${order.length}`;
    });
  }

  private readonly onSaveRule = async (e: RuleSaveEvent): Promise<void> => {
    const store = this.store;
    if (!store) return;
    const { id, input } = e.detail;
    this.formError = '';
    this.formErrorField = '';
    this.saving = true;
    try {
      if (id === null) await store.createRule(input);
      else await store.updateRule(id, input);
      this.notice = 'Rule saved';
      this.editing = null;
    } catch (err) {
      this.formError = (err as Error).message;
      this.formErrorField = (err as ApiError).field ?? '';
    } finally {
      this.saving = false;
    }
  };

  private readonly onDeleteRule = async (e: RuleDeleteEvent): Promise<void> => {
    const store = this.store;
    if (!store) return;
    this.formError = '';
    this.saving = true;
    try {
      await store.deleteRule(e.detail.id);
      this.notice = 'Rule deleted';
      this.editing = null;
    } catch (err) {
      this.formError = (err as Error).message;
    } finally {
      this.saving = false;
    }
  };

  private readonly onSaveFrame = async (e: FrameSaveEvent): Promise<void> => {
    const store = this.store;
    if (!store) return;
    const { id, input } = e.detail;
    this.frameError = '';
    this.saving = true;
    try {
      const saved = id === null ? await store.createFrame(input) : await store.updateFrame(id, input);
      this.notice = `Time frame ${saved.name} saved`;
      this.editingFrame = null;
      if (this.frameForRule) {
        this.frameForRule = false;
        await this.updateComplete;
        this.ruleForm?.useFrame(saved.id);
      }
    } catch (err) {
      this.frameError = (err as Error).message;
    } finally {
      this.saving = false;
    }
  };

  private readonly onDeleteFrame = async (e: FrameDeleteEvent): Promise<void> => {
    const store = this.store;
    if (!store) return;
    this.frameError = '';
    this.saving = true;
    try {
      await store.deleteFrame(e.detail.id);
      this.notice = 'Time frame deleted';
      this.editingFrame = null;
    } catch (err) {
      this.frameError = (err as Error).message;
    } finally {
      this.saving = false;
    }
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-answering-rules-view': SbAnsweringRulesView;
  }
}

import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { consume } from '@lit/context';
import { areaServicesContext } from '../../app/contexts.js';
import type { AreaServices } from '../../areas/area.js';
import { StoreController } from '../../controllers/store-controller.js';
import { SHARED_VOICEMAIL_CHANGED } from '../../state/shared-voicemail.js';
import { baseStyles, listStateStyles } from '../../components/shared-styles.js';
import '../voicemail/sb-voicemail-view.js';

/**
 * Shared Voicemail: one section per box granted to me ("Sales"), each with the Voicemail area's
 * New and Saved lists and actions on that box (state/shared-voicemail.ts keeps them fresh).
 */
@customElement('sb-shared-voicemail-view')
export class SbSharedVoicemailView extends LitElement {
  static override styles = [
    baseStyles,
    listStateStyles,
    css`
      :host {
        display: block;
      }

      h2 {
        margin: var(--sb-sys-space-md) var(--sb-sys-space-md) 0;
        font-size: var(--sb-sys-font-size-title);
      }

      .count {
        margin-left: var(--sb-sys-space-xs);
        color: var(--sb-sys-color-on-surface-muted);
        font-weight: 500;
        font-size: var(--sb-sys-font-size-small);
      }

      section + section {
        border-top: 1px solid var(--sb-sys-color-outline);
      }
    `,
  ];

  @consume({ context: areaServicesContext, subscribe: true }) services?: AreaServices;
  private readonly watch = new StoreController(this, [SHARED_VOICEMAIL_CHANGED]);

  protected override willUpdate(_changed: PropertyValues<this>): void {
    this.watch.observe(this.services?.sharedVoicemail);
  }

  override render() {
    const shared = this.services?.sharedVoicemail;
    const boxes = shared?.boxes ?? [];
    if (boxes.length === 0) return html`<p class="empty">No voicemail boxes are shared with you.</p>`;
    return html`${shared?.error ? html`<p class="error" role="alert">${shared.error}</p>` : nothing}
      ${repeat(boxes, (b) => b.mailbox, (b) => html`<section aria-labelledby="box-${b.mailbox}">
        <h2 id="box-${b.mailbox}">${b.name}<span class="count">${b.mailbox}</span></h2>
        <sb-voicemail-view .box=${b.box}></sb-voicemail-view>
      </section>`)}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-shared-voicemail-view': SbSharedVoicemailView;
  }
}

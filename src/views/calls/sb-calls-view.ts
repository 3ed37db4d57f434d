import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { consume } from '@lit/context';
import { callStoreContext, directoryContext, otherDevicesContext, recordingsContext, sessionContext, settingsContext } from '../../app/contexts.js';
import type { Session } from '../../state/session.js';
import { StoreController } from '../../controllers/store-controller.js';
import type { CallStore } from '../../state/call-store.js';
import type { Directory } from '../../state/directory.js';
import type { OtherDevices } from '../../state/other-devices.js';
import type { CallRecordings } from '../../state/recordings.js';
import type { SettingsStore } from '../../state/settings.js';
import type { PhoneCall } from '../../phone/types.js';
import { CallActionEvent } from '../../components/sb-call-card.js';
import { ConferenceActionEvent } from '../../components/sb-conference-card.js';
import { DialEvent } from '../../components/sb-dialpad.js';
import type { DeviceChosenEvent } from '../../components/sb-device-picker.js';
import type { UnhideEvent } from '../../components/sb-hidden-calls.js';
import type { PullCallEvent } from '../../components/sb-other-device-calls.js';
import type { SwitchOfferAnswerEvent, SwitchOfferDeclineEvent } from '../../components/sb-switch-offer-card.js';
import type { TargetChosenEvent, TargetPickerMode } from '../../components/sb-target-picker.js';
import { baseStyles, buttonStyles } from '../../components/shared-styles.js';
import '../../components/sb-call-grid.js';
import '../../components/sb-dialpad.js';
import '../../components/sb-device-picker.js';
import '../../components/sb-hidden-calls.js';
import '../../components/sb-other-device-calls.js';
import '../../components/sb-remote-audio.js';
import '../../components/sb-switch-offer-card.js';
import '../../components/sb-target-picker.js';

/**
 * The phone itself: the New Call dialpad, the grid of call and conference cards, hidden calls,
 * calls on my other devices and calls being moved here. It turns the cards' actions into
 * commands on the stores and plays each call's remote audio on the chosen speaker.
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
      .offers {
        display: grid;
        gap: var(--sb-sys-space-md);
        grid-template-columns: repeat(auto-fill, minmax(min(100%, 20rem), 1fr));
      }
    `,
  ];

  @consume({ context: callStoreContext, subscribe: true }) calls?: CallStore;
  @consume({ context: settingsContext, subscribe: true }) settings?: SettingsStore;
  @consume({ context: otherDevicesContext, subscribe: true }) otherDevices?: OtherDevices;
  @consume({ context: recordingsContext, subscribe: true }) recordings?: CallRecordings;
  @consume({ context: directoryContext, subscribe: true }) directory?: Directory;
  @consume({ context: sessionContext, subscribe: true }) session?: Session;

  @state() private dialpadOpen = false;
  @state() private dtmfOpen: string[] = [];
  /** The call a picker was opened for, and what for. */
  @state() private picking: { callId: string; mode: TargetPickerMode } | null = null;
  @state() private switching: string | null = null;

  private readonly watch = new StoreController(this, ['calls-changed']);
  private readonly watchSettings = new StoreController(this, ['settings-changed']);
  private readonly watchDevices = new StoreController(this, ['other-devices-changed']);
  private readonly watchRecordings = new StoreController(this, ['recordings-changed']);
  private readonly watchDirectory = new StoreController(this, ['directory-changed']);

  /** Opens the New Call dialpad (from the shell, a tel: link or a shortcut), optionally pre-filled. */
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
    this.watchDevices.observe(this.otherDevices);
    this.watchRecordings.observe(this.recordings);
    this.watchDirectory.observe(this.directory);
  }

  override render() {
    const store = this.calls;
    if (!store) return nothing;
    const visible = store.visibleCalls;
    const conferences = store.conferences.map((c) => ({ ...c, recording: this.recordings?.isRecording(c.id) ?? false }));
    const speaker = this.settings?.value.speaker ?? '';
    const devices = this.otherDevices;
    const switchingCall = this.switching ? store.calls.find((c) => c.id === this.switching) : undefined;
    return html`
      ${visible.length || conferences.length
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
      ${devices?.offers.length
        ? html`<div class="offers">${devices.offers.map((o) => html`<sb-switch-offer-card
            .offer=${{ offerId: o.offer_id, remote: o.call.remote, fromDevice: o.from_device_label }}
            @sb-switch-offer-answer=${(e: SwitchOfferAnswerEvent) => devices.answerOffer(e.detail.offerId)}
            @sb-switch-offer-decline=${(e: SwitchOfferDeclineEvent) => void devices.declineOffer(e.detail.offerId)}
          ></sb-switch-offer-card>`)}</div>`
        : nothing}
      <sb-hidden-calls .calls=${store.hiddenCalls}
        @sb-unhide=${(e: UnhideEvent) => store.unhide(e.detail.callId)}></sb-hidden-calls>
      <sb-call-grid
        .calls=${visible}
        .conferences=${conferences}
        .activeId=${store.activeId}
        .dialpadIds=${this.dtmfOpen}
        .recordingIds=${this.recordings?.recordingIds ?? []}
        .consultations=${store.consultations}
        .mergeableIds=${store.mergeableIds}
        .canSwitch=${(devices?.onlineDevices.length ?? 0) > 0}
        @sb-call-action=${this.onAction}
        @sb-conference-action=${this.onConferenceAction}
        @sb-new-call=${() => this.openDialpad()}
      ></sb-call-grid>
      <sb-other-device-calls
        .calls=${(devices?.elsewhere ?? []).map((c) => ({ callId: c.call_id, remote: c.remote, deviceLabel: c.device_label, since: typeof c.since === 'number' ? c.since : Date.parse(c.since) }))}
        @sb-pull-call=${(e: PullCallEvent) => devices?.pull(e.detail.callId)}
      ></sb-other-device-calls>
      <sb-target-picker
        .open=${this.picking !== null}
        .mode=${this.picking?.mode ?? 'add'}
        .directory=${(this.directory?.entries ?? []).filter((p) => p.extension !== this.session?.user?.extension) /* not myself */}
        @sb-target-chosen=${this.onTarget}
        @sb-target-cancel=${() => (this.picking = null)}
      ></sb-target-picker>
      <sb-device-picker
        .open=${switchingCall !== undefined}
        .devices=${devices?.onlineDevices ?? []}
        .callName=${switchingCall ? switchingCall.remote.name || switchingCall.remote.number : ''}
        @sb-device-chosen=${this.onDeviceChosen}
        @sb-device-cancel=${() => (this.switching = null)}
      ></sb-device-picker>
      ${repeat(
        store.calls.filter((c) => c.status === 'connected' || c.status === 'held' || c.status === 'connecting'),
        (c) => c.id,
        (c) => html`<sb-remote-audio .stream=${store.phoneCall(c.id)?.remoteStream ?? null} .sinkId=${speaker}></sb-remote-audio>`,
      )}
    `;
  }

  private onDial(e: DialEvent): void {
    this.dialpadOpen = false;
    void this.calls?.dial(e.detail.number);
  }

  private onTarget(e: TargetChosenEvent): void {
    const store = this.calls;
    const picking = this.picking;
    this.picking = null;
    if (!store || !picking) return;
    const { target, kind } = e.detail;
    if (kind === 'add') void store.addCall(picking.callId, target);
    else if (kind === 'blind') void store.transferBlind(picking.callId, target);
    else void store.startConsultation(picking.callId, target);
  }

  private async onDeviceChosen(e: DeviceChosenEvent): Promise<void> {
    const id = this.switching;
    this.switching = null;
    const call = id ? this.calls?.phoneCall(id) : undefined;
    if (call) await this.otherDevices?.offerTo(call, e.detail.deviceId).catch(() => undefined);
  }

  private recordingLegs(callId: string): PhoneCall[] {
    const call = this.calls?.phoneCall(callId);
    return call ? [call] : [];
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
      case 'add-call': this.picking = { callId, mode: 'add' }; break;
      case 'transfer': this.picking = { callId, mode: 'transfer' }; break;
      case 'merge': void store.merge(callId); break;
      case 'complete-transfer': void store.completeTransfer(callId); break;
      case 'cancel-transfer': void store.cancelTransfer(callId); break;
      case 'hide': store.hide(callId); break;
      case 'switch-phone':
        this.switching = callId;
        void this.otherDevices?.refreshDevices();
        break;
      case 'start-recording': void this.recordings?.start(callId, this.recordingLegs(callId)); break;
      case 'stop-recording': void this.recordings?.stop(callId); break;
    }
  }

  private onConferenceAction(e: ConferenceActionEvent): void {
    const store = this.calls;
    if (!store) return;
    const { conferenceId, action, callId } = e.detail;
    const legs = store.conferences.find((c) => c.id === conferenceId)?.participants.map((p) => store.phoneCall(p.id)).filter((c): c is PhoneCall => !!c) ?? [];
    switch (action) {
      case 'mute': store.setConferenceMuted(conferenceId, true); break;
      case 'unmute': store.setConferenceMuted(conferenceId, false); break;
      case 'hold': void store.holdConference(conferenceId, true); break;
      case 'resume': void store.holdConference(conferenceId, false); break;
      case 'hangup': store.hangupConference(conferenceId); break;
      case 'drop': if (callId) store.dropParticipant(conferenceId, callId); break;
      case 'start-recording': void this.recordings?.start(conferenceId, legs); break;
      case 'stop-recording': void this.recordings?.stop(conferenceId); break;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-calls-view': SbCallsView;
  }
}

import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { consume } from '@lit/context';
import { areaServicesContext, callStoreContext, contactBookContext, directoryContext, otherDevicesContext, recordingsContext, sessionContext, settingsContext } from '../app/contexts.js';
import type { AreaServices } from '../areas/area.js';
import { CONVERSATIONS_CHANGED, conversationName, type Conversations } from '../state/conversations.js';
import { ContactBookChangedEvent, type ContactBook } from '../state/contact-book.js';
import { partyNames } from '../state/directory.js';
import { formatPhoneNumber } from '../state/phone-number.js';
import type { ConversationAction, ConversationActionEvent } from '../components/sb-conversation-card.js';
import type { Session } from '../state/session.js';
import { StoreController } from '../controllers/store-controller.js';
import type { CallStore } from '../state/call-store.js';
import type { Directory } from '../state/directory.js';
import type { OtherDevices } from '../state/other-devices.js';
import type { CallRecordings } from '../state/recordings.js';
import type { SettingsStore } from '../state/settings.js';
import type { CallSnapshot, PhoneCall } from '../phone/types.js';
import { CallActionEvent, type CallAction } from '../components/sb-call-card.js';
import { ConferenceActionEvent, type ConferenceAction } from '../components/sb-conference-card.js';
import { DialEvent, type SbDialpad } from '../components/sb-dialpad.js';
import type { DeviceChosenEvent } from '../components/sb-device-picker.js';
import type { UnhideEvent } from '../components/sb-hidden-calls.js';
import type { PullCallEvent } from '../components/sb-other-device-calls.js';
import type { SwitchOfferAnswerEvent, SwitchOfferDeclineEvent } from '../components/sb-switch-offer-card.js';
import type { TargetChosenEvent, TargetPickerMode } from '../components/sb-target-picker.js';
import { icon } from '../components/icons.js';
import '../components/sb-active-call-bar.js';
import '../components/sb-call-card.js';
import '../components/sb-card-grid.js';
import '../components/sb-conference-card.js';
import '../components/sb-conversation-card.js';
import '../components/sb-dialpad.js';
import '../components/sb-device-picker.js';
import '../components/sb-hidden-calls.js';
import '../components/sb-other-device-calls.js';
import '../components/sb-remote-audio.js';
import '../components/sb-switch-offer-card.js';
import '../components/sb-target-picker.js';
import { callWorkspaceStyles } from './sb-call-workspace.styles.js';

const LIVE: ReadonlySet<CallSnapshot['status']> = new Set(['calling', 'ringing', 'incoming', 'connecting', 'connected', 'held']);

/**
 * The calls half of the workspace, always on screen beside whatever area is open: the card grid
 * with the New Call dialpad, Switch Phone offers, conference and call cards; the hidden calls'
 * chips; calls on my other devices; the pickers the cards open; and each call's remote audio on
 * the chosen speaker. It turns the cards' actions into commands on the stores.
 *
 * `compact` (a narrow window with an area open): the cards collapse into an active-call bar
 * that expands to them, and a ringing call takes over the screen as a full card.
 */
@customElement('sb-call-workspace')
export class SbCallWorkspace extends LitElement {
  static override styles = callWorkspaceStyles;

  @consume({ context: callStoreContext, subscribe: true }) calls?: CallStore;
  @consume({ context: settingsContext, subscribe: true }) settings?: SettingsStore;
  @consume({ context: otherDevicesContext, subscribe: true }) otherDevices?: OtherDevices;
  @consume({ context: recordingsContext, subscribe: true }) recordings?: CallRecordings;
  @consume({ context: directoryContext, subscribe: true }) directory?: Directory;
  @consume({ context: sessionContext, subscribe: true }) session?: Session;
  /** Chat and SMS: the conversations open as cards (beside the call cards). */
  @consume({ context: areaServicesContext, subscribe: true }) services?: AreaServices;
  @consume({ context: contactBookContext, subscribe: true }) book?: ContactBook;

  /** A narrow window with an area open: the cards collapse into the active-call bar. */
  @property({ type: Boolean, reflect: true }) compact = false;

  @state() private dialpadOpen = false;
  /** Compact: the user expanded the bar to the cards. */
  @state() private expanded = false;
  @state() private dtmfOpen: string[] = [];
  /** The call a picker was opened for, and what for. */
  @state() private picking: { callId: string; mode: TargetPickerMode } | null = null;
  @state() private switching: string | null = null;

  private readonly watch = new StoreController(this, ['calls-changed']);
  private readonly watchSettings = new StoreController(this, ['settings-changed']);
  private readonly watchDevices = new StoreController(this, ['other-devices-changed']);
  private readonly watchRecordings = new StoreController(this, ['recordings-changed']);
  private readonly watchDirectory = new StoreController(this, ['directory-changed']);
  private readonly watchConversations = new StoreController(this, [CONVERSATIONS_CHANGED]);
  private readonly watchBook = new StoreController(this, [ContactBookChangedEvent.eventName]);

  /** Opens the New Call dialpad (from the app bar, a tel: link or a shortcut), optionally pre-filled. */
  openDialpad(number = ''): void {
    this.dialpadOpen = true;
    void this.updateComplete.then(() => {
      const pad = this.renderRoot.querySelector<SbDialpad>('sb-dialpad[mode="dial"]');
      if (pad) {
        pad.value = number;
        pad.focus();
      }
    });
  }

  /** Answers the newest ringing call (the shell's keyboard shortcut). Returns whether one rang. */
  answerRinging(): boolean {
    const ringing = this.calls?.ringing.at(-1);
    if (!ringing) return false;
    void this.calls?.answer(ringing.id);
    return true;
  }

  override willUpdate(): void {
    this.watch.observe(this.calls);
    this.watchSettings.observe(this.settings);
    this.watchDevices.observe(this.otherDevices);
    this.watchRecordings.observe(this.recordings);
    this.watchDirectory.observe(this.directory);
    this.watchConversations.observe(this.services?.conversations);
    this.watchBook.observe(this.book);
  }

  override render() {
    const store = this.calls;
    if (!store) return nothing;
    return html`${this.compact ? this.renderCompact(store) : this.renderCards(store)}${this.renderPickers(store)}${this.renderAudio(store)}`;
  }

  /** Narrow window beside an area: nothing without calls, a bar with them, a takeover when ringing. */
  private renderCompact(store: CallStore) {
    const live = store.calls.filter((c) => LIVE.has(c.status));
    const ringing = store.ringing.length > 0;
    const offers = this.otherDevices?.offers.length ?? 0;
    if (ringing || offers || this.dialpadOpen || (this.expanded && live.length)) {
      // The bar (to collapse again) only when there is more than the ringing call to put away.
      const answered = live.filter((c) => c.status !== 'incoming');
      return html`<div class="takeover">
        ${answered.length ? this.renderBar(answered, true) : nothing}
        ${this.renderCards(store)}
      </div>`;
    }
    return live.length ? this.renderBar(live, false) : nothing;
  }

  private renderBar(live: CallSnapshot[], expanded: boolean) {
    const active = this.calls?.activeId;
    const ordered = [...live.filter((c) => c.id === active), ...live.filter((c) => c.id !== active).reverse()];
    return html`<sb-active-call-bar .calls=${ordered} .expanded=${expanded}
      @sb-active-call-bar-toggle=${() => {
        this.expanded = !expanded;
        if (expanded) this.dialpadOpen = false;
      }}></sb-active-call-bar>`;
  }

  private renderCards(store: CallStore) {
    const conferences = store.conferences;
    const devices = this.otherDevices;
    const recordingIds = this.recordings?.recordingIds ?? [];
    const consultations = store.consultations;
    const mergeable = store.mergeableIds;
    const canSwitch = (devices?.onlineDevices.length ?? 0) > 0;
    const hidden = store.hiddenCalls;
    return html`<section class="cards" aria-label="Calls">
      <sb-hidden-calls .calls=${hidden} @sb-unhide=${(e: UnhideEvent) => store.unhide(e.detail.callId)}></sb-hidden-calls>
      <sb-card-grid @sb-call-action=${this.onAction} @sb-conference-action=${this.onConferenceAction} @sb-conversation-action=${this.onConversationAction}>
        ${this.dialpadOpen
          ? html`<section class="new-call" aria-label="New call">
              <h2>New call</h2>
              <sb-dialpad mode="dial" closable @sb-dial=${this.onDial} @sb-dialpad-close=${() => (this.dialpadOpen = false)}></sb-dialpad>
            </section>`
          : nothing}
        ${repeat(devices?.offers ?? [], (o) => o.offer_id, (o) => html`<sb-switch-offer-card
          .offer=${{ offerId: o.offer_id, remote: o.call.remote, fromDevice: o.from_device_label }}
          @sb-switch-offer-answer=${(e: SwitchOfferAnswerEvent) => devices?.answerOffer(e.detail.offerId)}
          @sb-switch-offer-decline=${(e: SwitchOfferDeclineEvent) => void devices?.declineOffer(e.detail.offerId)}
        ></sb-switch-offer-card>`)}
        ${repeat(conferences, (c) => c.id, (c) => html`<sb-conference-card
          .id=${c.id}
          .participants=${c.participants}
          .muted=${c.muted}
          .held=${c.held}
          .recording=${this.recordings?.isRecording(c.id) ?? false}
          .active=${c.id === store.activeId}
        ></sb-conference-card>`)}
        ${repeat(store.visibleCalls, (c) => c.id, (c) => html`<sb-call-card
          .call=${c}
          ?active=${c.id === store.activeId}
          ?show-dialpad=${this.dtmfOpen.includes(c.id)}
          .recording=${recordingIds.includes(c.id)}
          .consultation=${consultations[c.id] ?? null}
          .mergeable=${mergeable.includes(c.id)}
          .canSwitch=${canSwitch}
          .holdReminder=${store.remindedIds.includes(c.id)}
          .remoteRecording=${this.recordings?.remoteRecordingIds.includes(c.id) ?? false}
        ></sb-call-card>`)}
        ${this.renderConversations()}
        ${hidden.length ? nothing /* the chips say what is there */ : html`<div class="empty" slot="empty">
          <span class="art" aria-hidden="true">${icon('phone')}</span>
          <p><strong>No calls right now</strong>Calls you make or receive show up here.</p>
        </div>`}
      </sb-card-grid>
      <sb-other-device-calls
        .calls=${(devices?.elsewhere ?? []).map((c) => ({ callId: c.call_id, remote: c.remote, deviceLabel: c.device_label, since: typeof c.since === 'number' ? c.since : Date.parse(c.since) }))}
        @sb-pull-call=${(e: PullCallEvent) => devices?.pull(e.detail.callId)}
      ></sb-other-device-calls>
    </section>`;
  }

  /** The conversations open as cards, after the calls (a ringing call stays first). */
  private renderConversations() {
    const chats = this.services?.conversations;
    if (!chats) return nothing;
    const nameOf = partyNames(this.directory?.entries ?? [], this.book?.entries ?? []);
    const me = this.session?.user?.extension;
    const colleagues = (this.directory?.entries ?? []).filter((p) => p.extension !== me);
    const open = chats.open.map((id) => chats.find(id)).filter((c) => c !== undefined);
    return repeat(open, (c) => c.id, (c) => html`<sb-conversation-card
      .conversation=${c}
      .name=${conversationName(c, nameOf, formatPhoneNumber)}
      .messages=${chats.messagesOf(c.id)}
      .typing=${chats.typingIn(c.id)}
      ?has-older=${chats.hasOlder(c.id)}
      .colleagues=${colleagues}
      .attachmentUrl=${this.attachmentUrl}
    ></sb-conversation-card>`);
  }

  private readonly attachmentUrl = (a: Parameters<Conversations['attachmentUrl']>[0]) => this.services!.conversations!.attachmentUrl(a);

  private readonly onConversationAction = (e: ConversationActionEvent): void => {
    const chats = this.services?.conversations;
    if (!chats) return;
    const { sessionId: id, action, text, files, clientId, target } = e.detail;
    switch (action) {
      case 'send': e.result = chats.send(id, text ?? '', files ?? []); break;
      case 'retry': if (clientId) void chats.retry(id, clientId); break;
      case 'typing': chats.typed(id); break;
      case 'read': chats.markRead(id); break;
      case 'close': chats.closeCard(id); break;
      case 'older': void chats.older(id).catch(() => undefined); break;
      case 'add-people': if (target) void chats.addPeople(id, target).catch(() => undefined); break;
      case 'call':
        if (target) {
          this.expanded = true;
          void this.calls?.dial(target);
        }
        break;
      default: unhandled(action);
    }
  };

  private renderPickers(store: CallStore) {
    const devices = this.otherDevices;
    const switchingCall = this.switching ? store.calls.find((c) => c.id === this.switching) : undefined;
    return html`<sb-target-picker
        .open=${this.picking !== null}
        .mode=${this.picking?.mode ?? 'add'}
        .directory=${(this.directory?.entries ?? []).filter((p) => p.extension !== this.session?.user?.extension) /* not myself */}
        @sb-target-chosen=${this.onTarget}
        @sb-target-cancel=${() => (this.picking = null)}
      ></sb-target-picker>
      <sb-device-picker
        .open=${switchingCall !== undefined}
        .devices=${devices?.pickerDevices ?? []}
        .callName=${switchingCall ? switchingCall.remote.name || switchingCall.remote.number : ''}
        @sb-device-chosen=${this.onDeviceChosen}
        @sb-device-cancel=${() => (this.switching = null)}
      ></sb-device-picker>`;
  }

  /** Remote audio plays whatever the layout, so collapsing the cards never mutes a call. */
  private renderAudio(store: CallStore) {
    const speaker = this.settings?.value.speaker ?? '';
    return repeat(
      store.calls.filter((c) => c.status === 'connected' || c.status === 'held' || c.status === 'connecting'),
      (c) => c.id,
      (c) => html`<sb-remote-audio .stream=${store.phoneCall(c.id)?.remoteStream ?? null} .sinkId=${speaker}></sb-remote-audio>`,
    );
  }

  private onDial(e: DialEvent): void {
    this.dialpadOpen = false;
    this.expanded = true;
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

  private readonly onAction = (e: CallActionEvent): void => {
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
      default: unhandled(action);
    }
  };

  private readonly onConferenceAction = (e: ConferenceActionEvent): void => {
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
      default: unhandled(action);
    }
  };
}

/** Exhaustiveness: a new action that no case handles is a type error here. */
function unhandled(action: never): void {
  console.warn('Switchboard: unhandled card action', action as CallAction | ConferenceAction | ConversationAction);
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-call-workspace': SbCallWorkspace;
  }
}

/**
 * Re-renders the host whenever an EventTarget store fires one of the given events; listens only
 * while the host is connected (controllers own lifecycle work).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { InstallChangedEvent } from '../app/install-prompt.js';
import type { BADGE_CHANGED } from '../areas/area.js';
import type { ANSWERING_RULES_CHANGED } from '../state/answering-rules.js';
import type { RecordingQueueEvent } from '../data/recording-queue.js';
import type { HistoryChangedEvent } from '../state/call-history.js';
import type { CallsChangedEvent } from '../state/call-store.js';
import type { ContactBookChangedEvent } from '../state/contact-book.js';
import type { DirectoryChangedEvent } from '../state/directory.js';
import type { OtherDevicesChangedEvent } from '../state/other-devices.js';
import type { LineChangedEvent } from '../state/phone-line.js';
import type { RecordingsChangedEvent } from '../state/recordings.js';
import type { SessionChangedEvent } from '../state/session.js';
import type { SettingsChangedEvent } from '../state/settings.js';
import type { SHARED_VOICEMAIL_CHANGED } from '../state/shared-voicemail.js';
import type { VOICEMAIL_CHANGED } from '../state/voicemail-box.js';
import type { CONVERSATIONS_CHANGED } from '../state/conversations.js';

/**
 * The change events of the stores an element can follow: each store's `XChangedEvent.eventName`.
 * A new store adds its event class here; pass the constant (`CallsChangedEvent.eventName`), so a
 * renamed or misspelt event is a type error rather than a view that silently stops updating.
 */
export type StoreEventName =
  /** A badge source's count (MissedCalls, later voicemail and chat). */
  | typeof BADGE_CHANGED
  | typeof ANSWERING_RULES_CHANGED
  | typeof CallsChangedEvent.eventName
  | typeof ContactBookChangedEvent.eventName
  | typeof DirectoryChangedEvent.eventName
  | typeof HistoryChangedEvent.eventName
  | typeof InstallChangedEvent.eventName
  | typeof LineChangedEvent.eventName
  | typeof OtherDevicesChangedEvent.eventName
  | typeof RecordingQueueEvent.eventName
  | typeof RecordingsChangedEvent.eventName
  | typeof SessionChangedEvent.eventName
  | typeof SettingsChangedEvent.eventName
  | typeof VOICEMAIL_CHANGED
  | typeof SHARED_VOICEMAIL_CHANGED
  | typeof CONVERSATIONS_CHANGED;

export class StoreController implements ReactiveController {
  private target: EventTarget | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly events: readonly StoreEventName[],
  ) {
    host.addController(this);
  }

  /** Starts following `target` (a store arriving through context after construction). */
  observe(target: EventTarget | undefined): void {
    if (target === this.target) return;
    this.unlisten();
    this.target = target;
    this.listen();
    this.host.requestUpdate();
  }

  hostConnected(): void {
    this.listen();
  }

  hostDisconnected(): void {
    this.unlisten();
  }

  private readonly onEvent = () => this.host.requestUpdate();

  private listen(): void {
    for (const e of this.events) this.target?.addEventListener(e, this.onEvent);
  }

  private unlisten(): void {
    for (const e of this.events) this.target?.removeEventListener(e, this.onEvent);
  }
}

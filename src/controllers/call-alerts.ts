/**
 * How the app gets the user's attention for a call, whatever area is open: the ringtone while
 * a call rings (on the chosen ringer device), OS notifications when the app is in the
 * background, a polite live-region announcement for screen readers ("Incoming call from Bob
 * Baker, 1002"), the window title and the installed app's icon badge.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { CallSnapshot } from '../phone/types.js';
import { HoldReminderEvent, RingingEvent, type CallStore } from '../state/call-store.js';
import type { MissedCalls } from '../state/missed-calls.js';
import type { AreaServices } from '../areas/area.js';
import type { SettingsStore } from '../state/settings.js';
import { notify } from '../app/notifications.js';
import { IncomingMessageEvent, type Conversations } from '../state/conversations.js';
import type { Ringer } from '../app/ringer.js';

export interface AlertsHost extends ReactiveControllerHost {
  calls?: CallStore;
  settings?: SettingsStore;
  ringer?: Ringer;
  missedCalls?: MissedCalls;
  areaServices?: AreaServices;
}

/** What the live region says about a ringing call. */
export function announcement(call: CallSnapshot): string {
  const { name, number } = call.remote;
  return name.trim() && number ? `Incoming call from ${name}, ${number}` : `Incoming call from ${name.trim() || number || 'an unknown caller'}`;
}

const APP_TITLE = 'Switchboard';

export class CallAlerts implements ReactiveController {
  /** The live region's text; the shell renders it. */
  message = '';
  private watched: CallStore | undefined;
  private badge = -1;
  private watchedChats: Conversations | undefined;

  constructor(private readonly host: AlertsHost) {
    host.addController(this);
  }

  hostUpdate(): void {
    const calls = this.host.calls;
    if (calls !== this.watched) {
      this.watched?.removeEventListener(RingingEvent.eventName, this.onRinging);
      this.watched?.removeEventListener(HoldReminderEvent.eventName, this.onHoldReminder);
      calls?.addEventListener(RingingEvent.eventName, this.onRinging);
      calls?.addEventListener(HoldReminderEvent.eventName, this.onHoldReminder);
      this.watched = calls;
    }
    const chats = this.host.areaServices?.conversations;
    if (chats !== this.watchedChats) {
      this.watchedChats?.removeEventListener(IncomingMessageEvent.eventName, this.onIncomingMessage);
      chats?.addEventListener(IncomingMessageEvent.eventName, this.onIncomingMessage);
      this.watchedChats = chats;
    }
    const ringing = calls?.ringing ?? [];
    this.updateRinger(ringing.length > 0);
    const first = ringing[0];
    document.title = first ? `Incoming call: ${first.remote.name || first.remote.number} - ${APP_TITLE}` : APP_TITLE;
    if (!first) this.message = '';
    this.setBadge((this.host.missedCalls?.count ?? 0) + (this.host.areaServices?.voicemail?.count ?? 0) + (this.host.areaServices?.sharedVoicemail?.count ?? 0) + (chats?.count ?? 0) + ringing.length);
  }

  hostDisconnected(): void {
    this.host.ringer?.stop();
  }

  private updateRinger(ringing: boolean): void {
    const ringer = this.host.ringer;
    if (ringing) {
      void ringer?.setDevice(this.host.settings?.value.ringer ?? '');
      ringer?.start();
    } else {
      ringer?.stop();
    }
  }

  private readonly onRinging = (e: Event): void => {
    const call = (e as RingingEvent).call;
    this.message = announcement(call);
    this.host.requestUpdate();
    const who = call.remote.name || call.remote.number;
    void notify({ title: 'Incoming call', body: `${who}${call.remote.name ? ` (${call.remote.number})` : ''}`, tag: `call-${call.id}`, onlyWhenHidden: true });
  };

  private readonly onHoldReminder = (e: Event): void => {
    const call = (e as HoldReminderEvent).call;
    const who = call.remote.name || call.remote.number;
    // A short ring burst, and a notification when the app is in the background.
    this.host.ringer?.start();
    setTimeout(() => this.updateRinger((this.host.calls?.ringing.length ?? 0) > 0), 1500);
    void notify({ title: 'Call on hold', body: `${who} is still on hold`, tag: `hold-${call.id}`, onlyWhenHidden: true });
  };

  /** A new chat or text message while the app is in the background (its card is already open). */
  private readonly onIncomingMessage = (e: Event): void => {
    const { message, session } = e as IncomingMessageEvent;
    const who = message.sender.name || (message.sender.kind === 'user' ? message.sender.extension : message.sender.number);
    const body = message.text || (message.attachments.length ? `Sent ${message.attachments.map((a) => a.name).join(', ')}` : '');
    void notify({ title: session.kind === 'sms' ? `Text from ${who}` : `Message from ${who}`, body, tag: `chat-${session.id}`, onlyWhenHidden: true });
  };

  /** The installed app's icon badge (Badging API, where supported): missed plus ringing calls, new voicemail and unread messages. */
  private setBadge(n: number): void {
    if (n === this.badge) return;
    this.badge = n;
    const nav = navigator as Navigator & { setAppBadge?: (n?: number) => Promise<void>; clearAppBadge?: () => Promise<void> };
    const done = n > 0 ? nav.setAppBadge?.(n) : nav.clearAppBadge?.();
    done?.catch(() => undefined);
  }
}

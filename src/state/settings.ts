/**
 * User settings of this browser: audio devices and the hold reminder. Saved in localStorage (they
 * belong to the machine, not the account) and re-applied at start.
 */
import type { AudioDevices } from '../phone/types.js';

export interface Settings extends AudioDevices {
  /** Seconds a call may stay on hold before it rings me back; 0 turns the reminder off. */
  holdReminderS: number;
}

export const DEFAULT_SETTINGS: Settings = { microphone: '', speaker: '', ringer: '', holdReminderS: 60 };

export class SettingsChangedEvent extends Event {
  static readonly eventName = 'settings-changed' as const;
  constructor(readonly settings: Settings) {
    super(SettingsChangedEvent.eventName);
  }
}

export class SettingsStore extends EventTarget {
  private current: Settings;

  constructor(private readonly storage: Pick<Storage, 'getItem' | 'setItem'> = localStorage, private readonly key = 'switchboard.settings') {
    super();
    this.current = { ...DEFAULT_SETTINGS, ...this.read() };
  }

  get value(): Settings {
    return this.current;
  }

  update(patch: Partial<Settings>): void {
    const next = { ...this.current, ...patch };
    if (!Number.isFinite(next.holdReminderS) || next.holdReminderS < 0) next.holdReminderS = DEFAULT_SETTINGS.holdReminderS;
    this.current = next;
    this.storage.setItem(this.key, JSON.stringify(next));
    this.dispatchEvent(new SettingsChangedEvent(next));
  }

  private read(): Partial<Settings> {
    try {
      const raw = this.storage.getItem(this.key);
      const parsed = raw ? (JSON.parse(raw) as Partial<Settings>) : {};
      return typeof parsed === 'object' && parsed !== null ? parsed : {};
    } catch {
      return {};
    }
  }
}

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

/** Longest hold reminder: ten minutes. 0 turns it off. */
export const HOLD_REMINDER_MAX_S = 600;

/** A hold reminder the phone accepts: a whole number of seconds from 0 (off) to 600. */
export function isValidHoldReminder(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= HOLD_REMINDER_MAX_S;
}

/**
 * What is wrong with what the user typed as the hold reminder, in words; '' when it is fine.
 * Accepts whole seconds from 0 (off) to 600 (ten minutes).
 */
export function holdReminderError(input: string): string {
  const text = input.trim();
  if (text === '') return 'Enter a number of seconds: 0 turns the reminder off.';
  if (!/^\d+$/.test(text)) return 'Enter a whole number of seconds, from 0 (off) to 600 (10 minutes).';
  if (Number(text) > HOLD_REMINDER_MAX_S) return 'The longest hold reminder is 600 seconds (10 minutes).';
  return '';
}

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
    // Saved by an older version that allowed up to an hour (or edited by hand).
    if (!isValidHoldReminder(this.current.holdReminderS)) {
      this.current.holdReminderS = typeof this.current.holdReminderS === 'number' && this.current.holdReminderS > HOLD_REMINDER_MAX_S
        ? HOLD_REMINDER_MAX_S : DEFAULT_SETTINGS.holdReminderS;
    }
  }

  get value(): Settings {
    return this.current;
  }

  update(patch: Partial<Settings>): void {
    const next = { ...this.current, ...patch };
    // A value out of range never gets stored: the reminder keeps what it was.
    if (!isValidHoldReminder(next.holdReminderS)) next.holdReminderS = this.current.holdReminderS;
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

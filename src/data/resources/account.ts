/** My settings on the platform (/api/v2/domains/~/users/~): ring time, voicemail PIN, greeting, time zone. */
import type { Http } from '../http.js';
import type { UserSettingsView } from '../wire.js';

export type AccountChange = Partial<Pick<UserSettingsView, 'ring_no_answer_timeout_s' | 'voicemail_greeting_index' | 'time_zone'>> & {
  /** 4 to 10 digits; null removes it. Never read back. */
  voicemail_pin?: string | null;
};

export class AccountResource {
  constructor(private readonly http: Http) {}

  get(): Promise<UserSettingsView> {
    return this.http.send('GET', '/api/v2/domains/~/users/~');
  }

  update(change: AccountChange): Promise<UserSettingsView> {
    return this.http.send('PATCH', '/api/v2/domains/~/users/~', change);
  }
}

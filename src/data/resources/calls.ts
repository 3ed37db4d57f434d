/**
 * My live calls, named by their SIP Call-ID: /api/v2/domains/~/users/~/calls/{call}. Switch Phone
 * offers, and recording notices to the other party.
 */
import type { Http } from '../http.js';
import type { SwitchOfferCreated } from '../wire.js';

const call = (callId: string) => `/api/v2/domains/~/users/~/calls/${encodeURIComponent(callId)}`;

export class CallsResource {
  constructor(private readonly http: Http) {}

  /** Offers my live call to another of my devices (Switch Phone). */
  offerSwitch(callId: string, deviceId: string): Promise<SwitchOfferCreated> {
    return this.http.send('POST', `${call(callId)}/switch`, { device_id: deviceId });
  }

  async declineSwitch(callId: string, offerId: string): Promise<void> {
    await this.http.send('POST', `${call(callId)}/switch/${encodeURIComponent(offerId)}/decline`);
  }

  /**
   * Tells the other party of my call that I started or stopped recording it, so their card says
   * "Recording" too: nobody is recorded without knowing.
   */
  async recordingNotice(callId: string, recording: boolean): Promise<void> {
    await this.http.send('POST', `${call(callId)}/recording`, { recording });
  }
}

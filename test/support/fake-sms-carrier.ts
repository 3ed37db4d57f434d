/**
 * A stand-in for an SMS carrier (the layer above the port is what is tested with it): records
 * what it was asked to send, takes it with an id of its own, or refuses with a CarrierError
 * while `refuse` is set.
 */
import { CarrierError, type OutboundSms, type SmsCarrier } from '../../server/messaging/sms-port.js';

export class FakeSmsCarrier implements SmsCarrier {
  readonly name = 'fake';
  readonly sent: OutboundSms[] = [];
  /** When set, the next sends fail with this reason. */
  refuse: string | null = null;
  private n = 0;

  async send(sms: OutboundSms): Promise<{ carrierId: string }> {
    await new Promise((r) => setTimeout(r, 5));
    if (this.refuse) throw new CarrierError(this.refuse);
    this.sent.push(sms);
    return { carrierId: `fake-${++this.n}` };
  }
}

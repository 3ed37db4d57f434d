/**
 * The seam between the messaging core (conversations, messages, events) and a carrier of SMS and
 * MMS (server/sms/: a real carrier's HTTP API, or the local carrier on loopback). The core sends
 * through `SmsCarrier`; a carrier's webhooks report through `SmsInbox`. Numbers are E.164.
 */

/** A file sent with an MMS, as the core keeps it. */
export interface SmsMedia {
  name: string;
  contentType: string;
  data: Buffer;
}

export interface OutboundSms {
  /** The core's id of the message (the carrier's status reports name `carrierId` instead). */
  messageId: string;
  from: string;
  to: string;
  text: string;
  /** MMS when not empty; the adapter publishes them where its carrier can fetch them. */
  media: SmsMedia[];
}

/** The carrier refused the message or did not answer in time; `reason` is shown to the user. */
export class CarrierError extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

export interface SmsCarrier {
  readonly name: string;
  /** The carrier accepted it: its id for the message. Throws CarrierError (never anything else) when not. */
  send(sms: OutboundSms): Promise<{ carrierId: string }>;
}

export interface InboundSms {
  carrierId: string;
  from: string;
  /** One of the organisation's numbers. */
  to: string;
  text: string;
  media: SmsMedia[];
}

export type CarrierStatus = 'sent' | 'delivered' | 'failed';

/** The core's side, called by a carrier adapter's (verified) webhooks. */
export interface SmsInbox {
  /** A text to one of our numbers; one nobody owns goes to the organisation's default recipients. */
  received(sms: InboundSms): Promise<void>;
  /** What became of a message we sent (`reason` when failed). */
  status(carrierId: string, status: CarrierStatus, reason: string | null): Promise<void>;
}

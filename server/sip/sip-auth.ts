/**
 * Authenticates SIP requests against device credentials (the `devices` resource). REGISTER is
 * challenged with 401/WWW-Authenticate, other requests with 407/Proxy-Authenticate (RFC 3261
 * s22.2, s22.3).
 */
import type { Device, DeviceRepo } from '../store/types.js';
import { DigestAuthenticator } from './digest.js';
import { createResponse, type SipRequest, type SipResponse } from './message.js';
import { parseAuthHeader } from './uri.js';
import type { SipFlow as Flow } from './flow.js';

export type AuthOutcome = { ok: true; device: Device } | { ok: false; response: SipResponse };

export class SipAuthenticator {
  readonly digest: DigestAuthenticator;

  constructor(private readonly devices: DeviceRepo, now?: () => number) {
    this.digest = new DigestAuthenticator(now);
  }

  /**
   * `flow`: the connection the request came on; its nonces are good on that flow only, and a
   * flow that authenticated once is no longer closed as a stranger (see ws-transport).
   */
  async authenticate(req: SipRequest, realm: string, flow: Flow): Promise<AuthOutcome> {
    const flowId = flow.id;
    const asRegistrar = req.method === 'REGISTER';
    const credentialHeader = asRegistrar ? 'Authorization' : 'Proxy-Authorization';
    let stale = false;
    for (const value of req.headers.getAll(credentialHeader)) {
      const auth = parseAuthHeader(value);
      // A request may carry credentials for several realms; use the one for ours.
      if (!auth || auth.params.get('realm') !== realm) continue;
      const username = auth.params.get('username');
      const device = username ? await this.devices.getBySipUsername(username) : undefined;
      if (!device || device.domain !== realm) break;
      const check = this.digest.verify(auth, req.method, device.ha1, flowId);
      if (check === 'ok') {
        flow.markAuthenticated();
        return { ok: true, device };
      }
      stale = check === 'stale';
      break;
    }
    const status = asRegistrar ? 401 : 407;
    const challengeHeader = asRegistrar ? 'WWW-Authenticate' : 'Proxy-Authenticate';
    return { ok: false, response: createResponse(req, status, undefined, [[challengeHeader, this.digest.challenge(realm, flowId, stale)]]) };
  }
}

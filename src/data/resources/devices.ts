/** My devices: /api/v2/domains/~/users/~/devices (this browser's SIP device among them). */
import type { Http } from '../http.js';
import type { DeviceGrant, DeviceInfo } from '../wire.js';

const DEVICES = '/api/v2/domains/~/users/~/devices';

export class DevicesResource {
  constructor(private readonly http: Http) {}

  list(): Promise<DeviceInfo[]> {
    return this.http.send('GET', DEVICES);
  }

  /** A new device with its SIP password (shown once). */
  create(label: string): Promise<DeviceGrant> {
    // This browser's device lives as long as this login: logging out (or a revoked login) removes it.
    return this.http.send('POST', DEVICES, { label, login_scoped: true });
  }

  /** Renames one of my devices ("Work laptop"); a bad name is a 400 whose message says why. */
  rename(id: string, label: string): Promise<DeviceInfo> {
    return this.http.send('PATCH', `${DEVICES}/${encodeURIComponent(id)}`, { label });
  }

  async delete(id: string): Promise<void> {
    await this.http.send('DELETE', `${DEVICES}/${encodeURIComponent(id)}`);
  }
}

/** The platform services running in this process, each behind its own endpoint (flow). */
import type { SipMessage } from '../message.js';
import type { SipFlow } from '../flow.js';
import type { ServiceDirectory } from '../routing/executor.js';
import { ServiceEndpoint } from './endpoint.js';
import type { PlatformService } from './service.js';

export class PlatformServices implements ServiceDirectory {
  private readonly byName = new Map<string, ServiceEndpoint>();
  private readonly byFlowId = new Map<string, ServiceEndpoint>();

  /** `deliver` is the proxy's handler: what a service sends goes through it like a device's. */
  constructor(services: readonly PlatformService[], deliver: (msg: SipMessage, from: SipFlow) => void) {
    for (const service of services) {
      if (this.byName.has(service.name)) throw new Error(`two platform services are called ${service.name}`);
      const endpoint = new ServiceEndpoint(service, deliver);
      this.byName.set(service.name, endpoint);
      this.byFlowId.set(endpoint.id, endpoint);
    }
  }

  endpoint(name: string): ServiceEndpoint | undefined {
    return this.byName.get(name);
  }

  /** As a flow directory: the endpoints' flow ids. */
  get(flowId: string): SipFlow | undefined {
    return this.byFlowId.get(flowId);
  }

  close(): void {
    for (const endpoint of this.byName.values()) endpoint.close();
  }
}

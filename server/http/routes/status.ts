/**
 * GET /api/v2/status: public liveness and version, for the web app and health checks. It tells
 * an anonymous caller nothing about the organisations on the platform.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../app.js';
import type { PlatformStatus } from '../../../src/data/wire.js';
import pkg from '../../../package.json' with { type: 'json' };

export function statusRoutes(s: Services): FastifyPluginAsync {
  return async (app) => {
    app.get('/status', { config: { public: true } }, async (): Promise<PlatformStatus> => ({
      name: 'Switchboard',
      version: pkg.version,
      status: 'ok',
      uptime_s: Math.round((Date.now() - s.startedAt) / 1000),
    }));
  };
}

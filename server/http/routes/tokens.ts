/**
 * POST /api/v2/tokens: log in. Three grants share the route, as in OAuth 2:
 *   {grant_type: "password", username: "1001@demo", password}   -> tokens, or {mfa_required}
 *   {grant_type: "mfa", mfa_token, passcode}                     -> tokens
 *   {grant_type: "refresh_token", refresh_token}                 -> new tokens (rotation)
 * DELETE /api/v2/tokens: log out (revokes this login's access and refresh tokens).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../app.js';
import { principalOf } from '../access.js';
import type { MfaChallenge, TokenGrant } from '../../../src/data/wire.js';

const loginBody = {
  type: 'object',
  required: ['grant_type'],
  properties: {
    grant_type: { type: 'string', enum: ['password', 'mfa', 'refresh_token'] },
    username: { type: 'string', minLength: 1, maxLength: 320 },
    password: { type: 'string', minLength: 1, maxLength: 1024 },
    mfa_token: { type: 'string', minLength: 1, maxLength: 200 },
    passcode: { type: 'string', pattern: '^\\s*\\d{6}\\s*$' },
    refresh_token: { type: 'string', minLength: 1, maxLength: 200 },
  },
  // Each `if` requires grant_type: without that, a body lacking it matches every branch and the
  // error named another grant's field ("mfa_token is required") instead of grant_type.
  allOf: [
    { if: { required: ['grant_type'], properties: { grant_type: { const: 'password' } } }, then: { required: ['username', 'password'] } },
    { if: { required: ['grant_type'], properties: { grant_type: { const: 'mfa' } } }, then: { required: ['mfa_token', 'passcode'] } },
    { if: { required: ['grant_type'], properties: { grant_type: { const: 'refresh_token' } } }, then: { required: ['refresh_token'] } },
  ],
} as const;

type LoginBody = {
  grant_type: 'password' | 'mfa' | 'refresh_token';
  username?: string;
  password?: string;
  mfa_token?: string;
  passcode?: string;
  refresh_token?: string;
};

export function tokenRoutes(s: Services): FastifyPluginAsync {
  return async (app) => {
    app.post<{ Body: LoginBody }>('/tokens', { config: { public: true }, schema: { body: loginBody } }, async (req, reply): Promise<TokenGrant | MfaChallenge> => {
      const b = req.body;
      void reply.header('Cache-Control', 'no-store');
      if (b.grant_type === 'password') {
        const result = await s.auth.login(b.username!, b.password!, req.ip);
        if (result.kind === 'mfa_required') {
          return { mfa_required: true, mfa_token: result.mfaToken, expires_in: result.expiresIn };
        }
        return result.grant;
      }
      if (b.grant_type === 'mfa') return s.auth.completeMfa(b.mfa_token!, b.passcode!, req.ip);
      return s.auth.refresh(b.refresh_token!);
    });

    app.delete('/tokens', async (req, reply) => {
      await s.auth.logout(principalOf(req));
      return reply.code(204).send();
    });
  };
}

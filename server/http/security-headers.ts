/**
 * Security headers on every HTTP answer. The Content-Security-Policy lets the app run only what
 * it ships: scripts and workers from our origin (no inline script, no eval), connections to our
 * origin and its WebSocket URLs (SIP and events), audio from our origin and blob: (recordings
 * played from memory), and no framing (clickjacking) or plugins. Inline styles stay allowed:
 * index.html paints its background before any script runs, and Lit sets style attributes.
 */
import type { FastifyInstance } from 'fastify';

export function contentSecurityPolicy(host: string | undefined, secure: boolean): string {
  // connect-src 'self' covers ws(s) to our own host in current browsers; naming it keeps older ones working.
  const ws = host && /^[a-z0-9.[\]:-]+$/i.test(host) ? ` ${secure ? 'wss' : 'ws'}://${host}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    "worker-src 'self'",
    `connect-src 'self'${ws}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "font-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function addSecurityHeaders(app: FastifyInstance, secure: boolean): void {
  app.addHook('onSend', async (req, reply) => {
    // A route that set a stricter policy (a user's file: sandboxed, nothing loads) keeps it.
    if (!reply.hasHeader('Content-Security-Policy')) void reply.header('Content-Security-Policy', contentSecurityPolicy(req.headers.host, secure));
    void reply.header('X-Content-Type-Options', 'nosniff');
    void reply.header('Referrer-Policy', 'no-referrer');
    void reply.header('X-Frame-Options', 'DENY'); // frame-ancestors for browsers that predate it
    // The microphone for our own pages only; nothing else the app does not use.
    void reply.header('Permissions-Policy', 'microphone=(self), camera=(), geolocation=(), payment=(), usb=()');
    void reply.header('Cross-Origin-Opener-Policy', 'same-origin');
    if (secure) void reply.header('Strict-Transport-Security', 'max-age=31536000');
    // API answers are per user: no shared cache may keep them unless a route says otherwise.
    if (req.url.startsWith('/api/') && !reply.hasHeader('Cache-Control')) void reply.header('Cache-Control', 'no-store');
  });
}

/**
 * `npm start` lands here: read the configuration, start the platform, print how to reach it,
 * and shut down cleanly on SIGINT/SIGTERM (close sockets, flush call records, close the store).
 */
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './log.js';
import { createPlatform } from './platform.js';
import { describeStore } from './store/open.js';
import { DEMO_DOMAIN, DEMO_MFA_SECRET, DEMO_PASSWORD, DEMO_USERS, DEMO_MAILBOXES } from './seed.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`switchboard: configuration error: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  const platform = await createPlatform({ config, log });
  // Handlers go in before listening: a stop requested during start-up is graceful too.
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await platform.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  await platform.listen();
  const url = platform.url().replace('127.0.0.1', 'localhost');
  const lines = [
    '',
    `  Switchboard is running at ${url}`,
    `  SIP over WebSocket: ${url.replace(/^http/, 'ws')}/sip   data: ${config.dataDir}${config.databaseUrl ? `   database: ${describeStore(config)}` : ''}`,
  ];
  if (platform.seeded || (await platform.store.domains.get(DEMO_DOMAIN))) {
    lines.push(
      '',
      `  Demo logins (password "${DEMO_PASSWORD}"):`,
      ...DEMO_USERS.map((u) => `    ${u.extension}@${DEMO_DOMAIN}  ${u.firstName} ${u.lastName}${u.role === 'admin' ? '  (administrator)' : ''}${'mfa' in u ? `  (MFA: TOTP secret ${DEMO_MFA_SECRET})` : ''}`),
      ...DEMO_MAILBOXES.map((b) => `    ${b.extension}       ${b.firstName}: a shared voicemail box (call it to leave a message), read by ${b.grantees.join(' and ')}`),
    );
  }
  if (platform.sms.local) lines.push('', '  SMS: the local carrier runs on loopback (no account needed): text +1 555 010 0199 for an automatic reply');
  process.stdout.write(lines.join('\n') + '\n\n');

}

main().catch((err: unknown) => {
  process.stderr.write(`switchboard: failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});

// Browser tests: `npx web-test-runner` (npm run test:browser).
// Runs test/browser/**/*.test.ts in headless Chromium through puppeteer-core, against the
// system browser: npm packages cannot download browsers on these machines.
//
// Tests of src/phone/ talk to the real platform: it is started in-process on a free port for
// the whole run, and tests reach it through server commands (executeServerCommand):
//   'sip-device' {extension}  -> SipCredentials of a new device of that demo user
//   'sip-drop-flows' {extension} -> closes that user's SIP WebSockets (reconnect tests)
//   'make-calls' {from, to, count} -> that many calls from a test phone of `from` (call records)
//   'sip-lock' {owner} / 'sip-unlock' {owner} -> one test file at a time has the demo users'
//     phones: files run two at a time, and a call to 1002 forks to every registered 1002.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { tsImport } from 'tsx/esm/api';

const executablePath = process.env.CHROME_PATH || '/usr/bin/chromium';
const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * JsSIP's CommonJS modules require each other in a circle, which the dev server's on-the-fly
 * CommonJS conversion cannot follow. Bundle it once into one ES module (under node_modules, so
 * never committed) and resolve the bare 'jssip' import to that file.
 */
function jssipBundlePlugin() {
  const outfile = path.join(root, 'node_modules/.cache/switchboard/jssip.js');
  const served = '/' + path.relative(root, outfile).split(path.sep).join('/');
  return {
    name: 'jssip-bundle',
    async serverStart() {
      if (isFresh(outfile, ['node_modules/jssip/package.json', 'web-test-runner.config.mjs'])) return;
      await build({
        stdin: {
          // Default export as the app imports it, plus the names for `import { UA } from 'jssip'`.
          contents: `import JsSIP from 'jssip';
            export default JsSIP;
            export const { C, Exceptions, Grammar, Utils, UA, URI, NameAddrHeader, WebSocketInterface, Socket, debug, name, version } = JsSIP;`,
          resolveDir: root,
          loader: 'js',
        },
        outfile,
        bundle: true,
        format: 'esm',
        platform: 'browser',
        target: 'es2022',
        logLevel: 'warning',
      });
    },
    resolveImport({ source }) {
      if (source === 'jssip') return served;
    },
  };
}

/** Whether `file` exists and is newer than every one of `inputs` (paths from the root). */
function isFresh(file, inputs) {
  try {
    const built = fs.statSync(file).mtimeMs;
    return inputs.every((input) => fs.statSync(path.join(root, input)).mtimeMs < built);
  } catch {
    return false;
  }
}

/**
 * The real platform (server/platform.ts, through test/support/harness.ts) with the demo
 * organisation, for the whole run. It starts in the background (about 1.5 s: compiling the
 * server with tsx, seeding scrypt hashes) while the browser launches; commands wait for it.
 */
function platformPlugin() {
  /** @type {Promise<{ harness: any, server: any }> | undefined} */ let ready;
  const lock = sipLock();
  return {
    name: 'switchboard-platform',
    /** The started platform (for the /platform proxy). */
    ready: () => ready,
    serverStart() {
      ready = (async () => {
        const harness = await tsImport('./test/support/harness.ts', import.meta.url);
        return { harness, server: await harness.startPlatform() };
      })();
      // Surfaced by the first command that needs the platform; do not crash the runner here.
      ready.catch(() => undefined);
    },
    async serverStop() {
      const started = await ready?.catch(() => undefined);
      await started?.server.close();
    },
    async executeCommand({ command, payload }) {
      if (command === 'sip-lock') return lock.acquire(String(payload?.owner ?? ''));
      if (command === 'sip-unlock') return lock.release(String(payload?.owner ?? ''));
      if (command !== 'sip-device' && command !== 'sip-drop-flows' && command !== 'make-calls') return undefined; // not ours
      const { harness, server } = await ready;
      if (command === 'make-calls') {
        // {from, to, count}: `count` calls from a test phone of `from` to `to`, each ending with
        // the platform's final answer (to an unknown number: 404); their call records are written.
        const ua = await harness.registeredUa(server, String(payload?.from ?? ''));
        const statuses = [];
        try {
          for (let i = 0; i < Number(payload?.count ?? 1); i++) {
            const call = ua.call(`sip:${String(payload?.to ?? '')}@demo`);
            statuses.push((await call.final).status);
          }
        } finally {
          await ua.close();
        }
        await server.platform.recorder.flush();
        return statuses;
      }
      if (command === 'sip-device') {
        const extension = String(payload?.extension ?? '');
        const token = await harness.login(server.url, `${extension}@demo`);
        const me = await harness.api(server.url, 'GET', '/api/v2/domains/~/users/~', { token });
        const res = await harness.api(server.url, 'POST', '/api/v2/domains/~/users/~/devices', { token, body: { label: payload?.label ?? 'browser test' } });
        if (res.status !== 201) throw new Error(`device for ${extension}: ${res.status} ${JSON.stringify(res.body)}`);
        return {
          uri: res.body.sip.uri,
          authorizationUser: res.body.sip.authorization_user,
          password: res.body.sip.password,
          websocketUrl: server.wsUrl,
          displayName: me.body.name ?? '',
          userAgent: 'Switchboard browser test',
        };
      }
      if (command === 'sip-drop-flows') {
        const extension = String(payload?.extension ?? '');
        let closed = 0;
        for (const flow of server.platform.transport.flows.values()) {
          if (flow.identity?.extension === extension) {
            flow.close(1001, 'dropped by test');
            closed += 1;
          }
        }
        return closed;
      }
    },
  };
}

/**
 * `/platform/...` on the test server is forwarded to the platform (`/platform/api/v2/...` ->
 * `<platform>/api/v2/...`), so browser tests can use the app's real ApiClient (base URL
 * '/platform') against the real platform from the same origin: the platform sends no CORS headers.
 */
function platformProxy(platform) {
  return async (ctx, next) => {
    if (!ctx.path.startsWith('/platform/')) return next();
    const { server } = await platform.ready();
    const chunks = [];
    for await (const chunk of ctx.req) chunks.push(chunk);
    const headers = {};
    for (const h of ['content-type', 'authorization', 'if-match', 'accept']) if (ctx.get(h)) headers[h] = ctx.get(h);
    const res = await fetch(server.url + ctx.url.slice('/platform'.length), {
      method: ctx.method,
      headers,
      body: chunks.length && ctx.method !== 'GET' && ctx.method !== 'HEAD' ? Buffer.concat(chunks) : undefined,
    });
    ctx.status = res.status;
    for (const h of ['content-type', 'etag', 'retry-after']) if (res.headers.get(h)) ctx.set(h, res.headers.get(h));
    ctx.body = Buffer.from(await res.arrayBuffer());
  };
}

/**
 * A mutex between test files that register phones for the demo users. A holder that never
 * releases (a crashed page) loses the lock after `leaseMs`, so the next file still runs.
 */
function sipLock(leaseMs = 100_000) {
  /** @type {{ owner: string, timer: NodeJS.Timeout } | null} */ let holder = null;
  /** @type {Array<{ owner: string, grant: () => void }>} */ const queue = [];
  const grantNext = () => {
    const next = queue.shift();
    if (!next) return;
    holder = { owner: next.owner, timer: setTimeout(() => release(next.owner), leaseMs).unref() };
    next.grant();
  };
  const release = (owner) => {
    if (holder?.owner !== owner) return false;
    clearTimeout(holder.timer);
    holder = null;
    grantNext();
    return true;
  };
  return {
    acquire(owner) {
      return new Promise((grant) => {
        queue.push({ owner, grant: () => grant(true) });
        if (!holder) grantNext();
      });
    },
    release,
  };
}

/**
 * The platform's Content-Security-Policy (server/http/security-headers.ts), so that components
 * run under the same rules as in the app, minus what the runner itself cannot live with:
 * - script-src (and default-src, its fallback): the runner's test pages are made of inline
 *   module scripts (its config and log tracking), which 'self' would block;
 * - connect-src: phone tests reach the platform on another port than the runner's;
 * - frame-ancestors: the runner may show a test page in a frame (debug mode).
 * What stays (object-src, base-uri, worker-src, img-src, media-src, style-src, ...) still catches
 * a component that plays media, shows images or styles itself in a way the app would refuse.
 * The end-to-end tests run the built app under the whole policy (test/e2e/browser.ts).
 */
const { contentSecurityPolicy } = await tsImport('./server/http/security-headers.ts', import.meta.url);
const RUNNER_EXEMPT = ['default-src', 'script-src', 'connect-src', 'frame-ancestors'];
const testPolicy = contentSecurityPolicy(undefined, false)
  .split('; ')
  .filter((directive) => !RUNNER_EXEMPT.includes(directive.split(' ')[0]))
  .join('; ');

const platform = platformPlugin();

/**
 * Under `npm run mutate` (Stryker's command runner) the mutant to switch on is an environment
 * variable, which code in a browser cannot read: hand it to the page, where Stryker's
 * instrumented code looks for it (globalThis.process.env), before the tests start.
 */
const activeMutant = process.env.__STRYKER_ACTIVE_MUTANT__;
const mutantHtml = activeMutant === undefined ? {} : {
  testRunnerHtml: (testFramework) => `<!doctype html><html><body>
    <script>globalThis.process = { env: { __STRYKER_ACTIVE_MUTANT__: ${JSON.stringify(activeMutant)} } };</script>
    <script type="module" src="${testFramework}"></script></body></html>`,
};

/** @type {import('@web/test-runner').TestRunnerConfig} */
export default {
  ...mutantHtml,
  files: ['test/browser/**/*.test.ts'],
  nodeResolve: true,
  middleware: [
    async (ctx, next) => {
      await next();
      ctx.set('Content-Security-Policy', testPolicy);
    },
    platformProxy(platform),
  ],
  plugins: [
    jssipBundlePlugin(),
    platform,
    // tsconfig.json carries experimentalDecorators + useDefineForClassFields:false, which Lit's
    // decorators need; without it esbuild emits standard decorators and @property breaks.
    esbuildPlugin({
      ts: true,
      target: 'es2022',
      tsconfig: fileURLToPath(new URL('./tsconfig.json', import.meta.url)),
    }),
  ],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath,
        headless: true,
        args: [
          '--headless=new',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          // Test pages run side by side; a page in the background must not have its timers and
          // animation frames throttled, or fixture() (which waits for a frame) stalls.
          '--disable-background-timer-throttling',
          '--disable-backgrounding-occluded-windows',
          '--disable-renderer-backgrounding',
          // Calls: a synthetic microphone, and getUserMedia granted without a prompt.
          '--use-fake-device-for-media-stream',
          '--use-fake-ui-for-media-stream',
        ],
      },
    }),
  ],
  // Lit's one-line dev-mode notice would otherwise repeat for every test file.
  filterBrowserLogs: ({ args }) => !String(args[0]).includes('Lit is in dev mode'),
  concurrency: 2,
  browserStartTimeout: 60_000,
  testsStartTimeout: 60_000,
  // A file that registers demo phones may first wait for another one (sip-lock).
  testsFinishTimeout: 240_000,
  testFramework: {
    config: { ui: 'bdd', timeout: 5_000 },
  },
};

import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { precompressDir } from './scripts/precompress.js';

const root = fileURLToPath(new URL('.', import.meta.url));

/** The platform (server/) listens here in development; see server/config.ts. */
const PLATFORM = 'http://localhost:8080';

/**
 * Copies the install identity (manifest.webmanifest and icons/) into the build unchanged, at the
 * same URLs. They live at the top level rather than in a `public/` folder, and must keep fixed,
 * unhashed names: browsers identify an installed app by its manifest URL and `id`, and the
 * manifest refers to its icons by path. The dev server already serves them from the root.
 * Emitting them as bundle assets (rather than copying after the build) means
 * vite-plugin-pwa sees them in dist/ when it builds the precache manifest.
 */
function installIdentity(): Plugin {
  const files = (): string[] => [
    'manifest.webmanifest',
    ...readdirSync(join(root, 'icons'))
      .filter((name) => /\.(png|svg|ico)$/.test(name))
      .map((name) => `icons/${name}`),
  ];
  return {
    name: 'switchboard:install-identity',
    apply: 'build',
    buildStart() {
      for (const file of files()) this.addWatchFile(join(root, file));
    },
    generateBundle() {
      for (const file of files()) {
        this.emitFile({ type: 'asset', fileName: file, source: readFileSync(join(root, file)) });
      }
    },
  };
}

/**
 * Precompressed copies of the built app (scripts/precompress.ts): `name.br` and `name.gz` beside
 * each compressible file of dist/, for the platform to send per Accept-Encoding. The precache
 * manifest lists the plain names only: the browser decodes the transfer and caches the file.
 */
function precompress(): Plugin {
  let outDir = '';
  let log: (message: string) => void = () => undefined;
  return {
    name: 'switchboard:precompress',
    apply: 'build',
    enforce: 'post',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
      log = (message) => config.logger.info(message);
    },
    closeBundle: {
      // After vite-plugin-pwa's closeBundle, which writes sw.js.
      order: 'post',
      sequential: true,
      handler() {
        const f = precompressDir(outDir);
        const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
        log(`precompressed ${f.files} files: ${kb(f.raw)} -> brotli ${kb(f.brotli)}, gzip ${kb(f.gzip)}`);
      },
    },
  };
}

export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
  },
  server: {
    proxy: {
      '/api': { target: PLATFORM },
      '/sip': { target: PLATFORM, ws: true },
    },
    // `vite preview` reuses server.proxy when preview.proxy is unset.
  },
  plugins: [
    installIdentity(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'sw',
      filename: 'sw.ts',
      injectRegister: false,
      manifest: false,
      injectManifest: {
        // A classic script (workbox-window registers classic by default, and every browser
        // runs classic workers). The default 'es' also works but, on Vite 8, makes the plugin
        // pass Rollup's deprecated inlineDynamicImports and print a warning.
        rollupFormat: 'iife',
        // Workbox's default is js/wasm/css/html only; the shell should also install its icons
        // and manifest so an offline start looks right.
        globPatterns: ['**/*.{js,css,html,svg,png,ico,webmanifest}'],
      },
      devOptions: { enabled: false },
    }),
    precompress(),
  ],
});

// Mutation testing on demand: `npm run mutate -- <area>` (scripts/mutate.ts) sets
// STRYKER_MUTATE (comma-separated globs) and STRYKER_TEST_COMMAND for one area, then runs
// Stryker with this config. The command runner re-runs that area's test files once per mutant:
// a mutant survives when the command still exits 0. Keep the areas small: two shared cores.
const mutate = (process.env.STRYKER_MUTATE ?? '').split(',').filter(Boolean);
if (mutate.length === 0) throw new Error('stryker.config.mjs: run through `npm run mutate -- <area>` (scripts/mutate.ts)');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'command',
  commandRunner: { command: process.env.STRYKER_TEST_COMMAND },
  mutate,
  // The sandbox is a copy of the project; node_modules is linked, not copied.
  symlinkNodeModules: true,
  // Root-anchored: src/data and test/browser/data are code, /data is the platform's files.
  ignorePatterns: ['/dist', '/data', '/reports', '/.stryker-tmp', '/bench'],
  concurrency: Number(process.env.STRYKER_CONCURRENCY ?? 1),
  // A mutant that makes a test wait (a missing CANCEL, a lost response) is "timed out", which
  // counts as detected; the tests' own deadlines keep this short.
  timeoutMS: 60_000,
  timeoutFactor: 1.5,
  coverageAnalysis: 'off',
  reporters: ['clear-text', 'progress', 'html'],
  htmlReporter: { fileName: `reports/mutation/${process.env.STRYKER_AREA ?? 'area'}.html` },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};

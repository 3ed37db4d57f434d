/**
 * The Mocha globals that @web/test-runner provides in the browser, typed for tsc.
 *
 * Stop-gap: @types/mocha is not installed, and tsconfig's `types: ["node"]` would not load it
 * anyway. The proper fix is `npm i -D @types/mocha` plus `"types": ["node", "mocha"]` (or a
 * test/browser/tsconfig.json); delete this file then, or the two declarations will clash.
 */
type MochaDone = (error?: unknown) => void;
type MochaTest = ((done: MochaDone) => void) | (() => void | PromiseLike<unknown>);

interface MochaSuiteFunction {
  (title: string, fn: () => void): void;
  only(title: string, fn: () => void): void;
  skip(title: string, fn: () => void): void;
}

interface MochaTestFunction {
  (title: string, fn?: MochaTest): void;
  only(title: string, fn?: MochaTest): void;
  skip(title: string, fn?: MochaTest): void;
}

declare const describe: MochaSuiteFunction;
declare const it: MochaTestFunction;
declare function before(fn: MochaTest): void;
declare function after(fn: MochaTest): void;
declare function beforeEach(fn: MochaTest): void;
declare function afterEach(fn: MochaTest): void;

/** The part of the `espeak-ng` package (eSpeak NG as an Emscripten module) the platform uses. */
declare module 'espeak-ng' {
  interface EmscriptenFS {
    writeFile(path: string, data: string | Uint8Array): void;
    readFile(path: string): Uint8Array;
  }
  interface ESpeakModule {
    FS: EmscriptenFS;
  }
  /** Runs the espeak-ng command line with `arguments`; its files live in `FS`. */
  export default function ESpeakNg(options: { arguments: string[]; preRun?: Array<(module: ESpeakModule) => void> }): Promise<ESpeakModule>;
}

// Loads Prisma's schema engine compiled to WebAssembly and opens it on a driver-adapter factory.
// We instantiate the .wasm ourselves: the package entry imports it as an ES module (experimental in Node).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as bg from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SchemaContainer } from '@prisma/schema-engine-wasm';

export type { SchemaEngine };
export type Logger = (msg: string) => void;

// lib ES2024 without DOM declares no WebAssembly global: type the one call we need.
type WasmApi = {
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: { __wbindgen_start(): void } } }>;
};
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let loaded: Promise<void> | undefined;

/** Instantiates the wasm module once per process (the bindings keep it in a module-level global). */
function loadWasm(): Promise<void> {
  loaded ??= (async () => {
    const require = createRequire(import.meta.url);
    const bgPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const bytes = await readFile(join(dirname(bgPath), 'schema_engine_bg.wasm'));
    // The engine leaves ~60 s timers behind: unref them so they never keep a process alive.
    const imports: Record<string, unknown> = { ...bg };
    for (const key of Object.keys(imports)) {
      if (key.startsWith('__wbg_setTimeout_')) imports[key] = unrefSetTimeout;
    }
    const { instance } = await wasmApi.instantiate(bytes, { './schema_engine_bg.js': imports });
    bg.__wbg_set_wasm(instance.exports);
    instance.exports.__wbindgen_start();
  })();
  return loaded;
}

function unrefSetTimeout(callback: () => void, ms: number): NodeJS.Timeout {
  const timer = setTimeout(callback, ms >>> 0);
  timer.unref();
  return timer;
}

/** Engine errors arrive as plain objects or strings: turn them into Errors with a readable message. */
export function engineError(err: unknown): Error {
  if (err instanceof Error) return err;
  if (typeof err === 'string') return new Error(err);
  const o = err as { message?: unknown; error?: unknown; meta?: unknown } | null;
  const message = typeof o?.message === 'string' ? o.message : typeof o?.error === 'string' ? o.error : JSON.stringify(err);
  return Object.assign(new Error(message), { cause: err });
}

/** Opens the engine on `factory`, runs `fn`, then frees the engine. */
export async function withEngine<T>(
  factory: SqlMigrationAwareDriverAdapterFactory,
  schemaFiles: SchemaContainer[],
  fn: (engine: SchemaEngine) => Promise<T>,
  logger?: Logger,
): Promise<T> {
  await loadWasm();
  const log = (line: string) => logger?.(`[schema-engine] ${line}`);
  const datamodels = schemaFiles.map((f): [string, string] => [f.path, f.content]);
  let engine: SchemaEngine;
  try {
    engine = await bg.SchemaEngine.new({ datamodels }, log, bindMigrationAwareSqlAdapterFactory(factory));
  } catch (err) {
    throw engineError(err);
  }
  try {
    return await fn(engine);
  } catch (err) {
    throw engineError(err);
  } finally {
    engine.free();
  }
}

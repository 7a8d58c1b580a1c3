#!/usr/bin/env node
import { enableCompileCache } from 'node:module';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommandContext } from './context.js';
import { guardedIo, processIo, reportError, type Io } from './output.js';
// Not `import … from 'node:fs'`: an ES import of node:fs builds its facade, whose getters load the fs streams (about 3 ms of a short run's start).
const { realpathSync } = process.getBuiltinModule('node:fs');

/** Parse argv, run one command, return its exit code. Never calls process.exit. Everything written goes through guardedIo. */
export async function main(argv: readonly string[], given: Io = processIo, context?: CommandContext): Promise<number> {
  const io = guardedIo(given);
  try {
    // The command tables and the parser load here, after the entry point below turned the compile cache on.
    const { runCommandLine } = await import('./command-line.js');
    return await runCommandLine(argv, io, context);
  } catch (err) {
    return reportError(io, err);
  }
}

function invokedDirectly(): boolean {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

/**
 * Node's compile cache for the modules a command loads (compiling them is a
 * good part of a short command's start). Per user, as
 * caches go: code another account could write is never loaded. The
 * NODE_COMPILE_CACHE variable chooses another folder, NODE_DISABLE_COMPILE_CACHE=1
 * turns it off; a folder that cannot be written costs nothing but the cache.
 */
function enableModuleCache(): void {
  if (process.env.NODE_COMPILE_CACHE) {
    enableCompileCache();
    return;
  }
  let base = process.env.XDG_CACHE_HOME;
  try {
    if (!base || !isAbsolute(base)) base = join(homedir(), '.cache');
  } catch {
    return; // no home folder: no cache
  }
  enableCompileCache(join(base, 'custody', 'node-compile-cache'));
}

if (invokedDirectly()) {
  enableModuleCache();
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.exitCode = reportError(guardedIo(processIo), err);
    },
  );
}

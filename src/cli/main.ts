#!/usr/bin/env node
// The entry point loads nothing of custody but the cache folder's name: the
// command's modules, the output guard among them, load after Node's compile
// cache is on (see enableModuleCache), each read from it.
import { enableCompileCache } from 'node:module';
import { join } from 'node:path';
import { userCacheFolder } from '../lib/user-cache.js';
import type { CommandContext } from './context.js';
import type { Io } from './output.js';

/** Parse argv, run one command, return its exit code. Never calls process.exit. Everything written goes through guardedIo. */
export async function main(argv: readonly string[], given?: Io, context?: CommandContext): Promise<number> {
  const { guardedIo, processIo, reportError } = await import('./output.js');
  const io = guardedIo(given ?? processIo);
  try {
    // The command tables and the parser load here too; a query that runs is read against its own table alone (query-line.ts).
    if (argv[0] === 'query') {
      const code = await (await import('./query-line.js')).runQueryLine(argv, io);
      if (code !== undefined) return code;
    }
    const { runCommandLine } = await import('./command-line.js');
    return await runCommandLine(argv, io, context);
  } catch (err) {
    return reportError(io, err);
  }
}

/**
 * Node's compile cache for the modules a command loads (compiling them is a
 * good part of a short command's start), in the user's cache folder
 * (user-cache.ts). The NODE_COMPILE_CACHE variable chooses another folder,
 * NODE_DISABLE_COMPILE_CACHE=1 turns it off; a folder that cannot be written
 * costs nothing but the cache.
 */
function enableModuleCache(): void {
  if (process.env.NODE_COMPILE_CACHE) {
    enableCompileCache();
    return;
  }
  const folder = userCacheFolder();
  if (folder) enableCompileCache(join(folder, 'node-compile-cache'));
}

// Run as the program (also through npm's bin link), not when imported (the tests call main()).
if (import.meta.main) {
  enableModuleCache();
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    async (err: unknown) => {
      const { guardedIo, processIo, reportError } = await import('./output.js');
      process.exitCode = reportError(guardedIo(processIo), err);
    },
  );
}

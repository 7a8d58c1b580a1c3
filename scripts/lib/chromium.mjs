// Drive Debian's chromium headless over the Chrome DevTools protocol, with
// nothing but Node: `--remote-debugging-pipe` (JSON messages separated by
// NUL on file descriptors 3 and 4), no port, no WebSocket, no npm package.
// Used by the report's browser test and by the README screenshot.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CHROMIUM = process.env.CUSTODY_CHROMIUM ?? '/usr/bin/chromium';

export function chromiumAvailable() {
  return existsSync(CHROMIUM);
}

/** The flags of a headless run that must not reach the network, with a fresh profile. */
export function headlessFlags(profile) {
  return [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-default-apps',
    '--disable-extensions',
    '--mute-audio',
    // Any name resolution fails: a request that slipped through would fail, and be seen in the Network events.
    '--host-resolver-rules=MAP * ~NOTFOUND',
    `--user-data-dir=${profile}`,
  ];
}

/**
 * Start chromium and attach to its first page. Returns `send(method, params)`
 * for that page, the events seen so far, and `close()`.
 */
export async function openBrowser({ width = 1280, height = 2000, timeoutMs = 60_000 } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'custody-chromium-'));
  const child = spawn(CHROMIUM, [...headlessFlags(profile), '--remote-debugging-pipe', `--window-size=${width},${height}`, 'about:blank'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d.toString()));
  const input = child.stdio[3];
  const output = child.stdio[4];
  const pending = new Map();
  const events = [];
  const waiters = [];
  let nextId = 1;
  let buffer = '';
  let exited = false;
  const exit = new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      exited = true;
      for (const { reject } of pending.values()) reject(new Error(`chromium exited (${code ?? signal}) before answering: ${stderr.slice(-400)}`));
      pending.clear();
      resolve();
    }),
  );
  output.on('data', (chunk) => {
    buffer += chunk.toString('utf8');
    let end;
    while ((end = buffer.indexOf('\0')) >= 0) {
      const message = JSON.parse(buffer.slice(0, end));
      buffer = buffer.slice(end + 1);
      if (message.id !== undefined && pending.has(message.id)) {
        const { resolve, reject, method } = pending.get(message.id);
        pending.delete(message.id);
        if (message.error) reject(new Error(`${method}: ${message.error.message}`));
        else resolve(message.result);
      } else if (message.method) {
        events.push(message);
        for (const waiter of [...waiters]) {
          if (waiter.method === message.method) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve(message.params);
          }
        }
      }
    }
  });
  const call = (method, params = {}, sessionId) =>
    new Promise((resolve, reject) => {
      if (exited) return reject(new Error(`chromium is not running: ${stderr.slice(-400)}`));
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`${method}: no answer from chromium in ${timeoutMs} ms`));
      }, timeoutMs);
      pending.set(id, {
        method,
        resolve: (v) => (clearTimeout(timer), resolve(v)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      input.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    });
  const close = async () => {
    if (!exited) {
      await call('Browser.close').catch(() => undefined);
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exit;
      clearTimeout(killer);
    }
    rmSync(profile, { recursive: true, force: true });
  };
  try {
    const { targetInfos } = await call('Target.getTargets');
    const page = targetInfos.find((t) => t.type === 'page');
    if (!page) throw new Error('chromium opened no page');
    const { sessionId } = await call('Target.attachToTarget', { targetId: page.targetId, flatten: true });
    const send = (method, params) => call(method, params, sessionId);
    const waitFor = (method) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${method} from chromium in ${timeoutMs} ms`)), timeoutMs);
        waiters.push({ method, resolve: (p) => (clearTimeout(timer), resolve(p)) });
      });
    return { send, waitFor, events, close, stderr: () => stderr };
  } catch (err) {
    await close();
    throw err;
  }
}

/**
 * Open `url` with the network, console and log domains watching; returns the
 * browser (still open) and what was seen: every request, console messages,
 * uncaught exceptions, log entries (CSP violations are logged there).
 */
export async function loadPage(url, options = {}) {
  const browser = await openBrowser(options);
  try {
    const { send, waitFor, events } = browser;
    await send('Network.enable');
    await send('Runtime.enable');
    await send('Log.enable');
    await send('Page.enable');
    if (options.javascript === false) await send('Emulation.setScriptExecutionDisabled', { value: true });
    const loaded = waitFor('Page.loadEventFired');
    await send('Page.navigate', { url });
    await loaded;
    // Let late console messages and requests arrive.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const of = (method) => events.filter((e) => e.method === method).map((e) => e.params);
    return {
      browser,
      requests: of('Network.requestWillBeSent').map((p) => p.request.url),
      console: of('Runtime.consoleAPICalled').map((p) => ({ type: p.type, text: p.args.map((a) => a.value ?? a.description ?? '').join(' ') })),
      exceptions: of('Runtime.exceptionThrown').map((p) => p.exceptionDetails.exception?.description ?? p.exceptionDetails.text),
      log: of('Log.entryAdded').map((p) => ({ level: p.entry.level, source: p.entry.source, text: p.entry.text, url: p.entry.url })),
      evaluate: async (expression) => {
        const { result, exceptionDetails } = await send('Runtime.evaluate', { expression, returnByValue: true });
        if (exceptionDetails) throw new Error(`evaluate: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
        return result.value;
      },
      screenshot: async () => {
        const { data } = await send('Page.captureScreenshot', { format: 'png' });
        return Buffer.from(data, 'base64');
      },
    };
  } catch (err) {
    await browser.close();
    throw err;
  }
}

import { isIP } from 'node:net';
import { DOCKER_HUB } from '../reference.js';

/** Where a registry name is served, and whether plain HTTP is allowed for it. */

/** docker.io is a name, not a host: its API lives at registry-1.docker.io. */
export function apiHost(registry: string): string {
  return registry === DOCKER_HUB ? 'registry-1.docker.io' : registry;
}

/** `host:port`, `[::1]:5000`, `::1` → the bare host name or address. */
export function hostname(hostPort: string): string {
  if (hostPort.startsWith('[')) {
    const end = hostPort.indexOf(']');
    return end > 0 ? hostPort.slice(1, end) : hostPort;
  }
  if (isIP(hostPort) === 6) return hostPort;
  const colon = hostPort.lastIndexOf(':');
  return colon >= 0 ? hostPort.slice(0, colon) : hostPort;
}

/** 127.0.0.0/8, ::1 and localhost: the only hosts where plain HTTP needs no `insecure`. */
export function isLoopback(hostPort: string): boolean {
  const host = hostname(hostPort).toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1';
  return false;
}

/** Plain HTTP (and, with `insecure`, unverified TLS) is allowed for this host. */
export function plainHttpAllowed(hostPort: string, insecure: boolean): boolean {
  return insecure || isLoopback(hostPort);
}

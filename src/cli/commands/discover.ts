import type { DiscoveredNode, DiscoveryResult } from '../../collect/types.js';
import { detectFormat } from '../../normalize/normalize.js';
import { FORMATS } from '../../formats/index.js';
import { formatReference, parseReference } from '../../oci/reference.js';
import type { Descriptor } from '../../types.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { escapeText, shown } from '../../lib/escape.js';
import { printJson, type Io } from '../output.js';
import { sourceOptions, type RegistryArgs } from '../flags.js';
import { refuseLayoutLookalike } from '../layout-hint.js';

export interface DiscoverArgs extends RegistryArgs {
  ref: string;
  json: boolean;
}

export async function runDiscover(args: DiscoverArgs, io: Io): Promise<ExitCode> {
  refuseLayoutLookalike(args.ref);
  const ref = parseReference(args.ref);
  const { discover, openSource } = await import('../../collect/index.js');
  const source = openSource(ref, sourceOptions(args));
  let result: DiscoveryResult;
  try {
    result = await discover(source, ref);
  } finally {
    await source.close();
  }
  if (args.json) printJson(io, { ref: formatReference(ref), ...result });
  else io.out(formatTree(formatReference(ref), result));
  return EXIT.ok;
}

/** The kind a media type suggests, without reading the content. */
function kindOf(descriptor: Descriptor, artifactType?: string): string {
  for (const mediaType of [descriptor.mediaType, artifactType ?? '']) {
    const match = mediaType ? detectFormat({ mediaType }, FORMATS) : undefined;
    if (match && match.format.id !== 'unknown') return `${match.detection.kind ?? match.format.kind}/${match.format.id}`;
  }
  return 'other';
}

function short(digest: string): string {
  return digest.length > 19 ? `${digest.slice(0, 19)}…` : digest;
}

function nodeLines(node: DiscoveredNode, indent: string): string[] {
  const lines: string[] = [];
  const label = [node.method, node.artifactType ?? node.descriptor.mediaType, `${node.descriptor.size} B`, short(node.descriptor.digest)];
  if (node.tag) label.push(`tag ${node.tag}`);
  if (node.via) label.push(`via ${short(node.via)}`);
  lines.push(`${indent}${label.map(escapeText).join('  ')}`);
  for (const layer of node.layers) {
    lines.push(`${indent}    ${escapeText(kindOf(layer, node.artifactType)).padEnd(24)} ${shown`${layer.mediaType}  ${layer.size} B  ${short(layer.digest)}`}`);
  }
  for (const child of node.children) lines.push(...nodeLines(child, `${indent}    `));
  return lines;
}

export function formatTree(ref: string, result: DiscoveryResult): string {
  const { subject } = result;
  const lines = [shown`${ref}${result.tag ? ` (tag ${result.tag})` : ''}`, shown`  ${subject.digest}  ${subject.mediaType ?? ''}`];
  const targets = [
    { digest: subject.digest, label: subject.platforms.length > 0 ? 'index' : 'image' },
    ...subject.platforms.map((p) => ({
      digest: p.digest,
      label: p.platform ? [p.platform.os, p.platform.architecture, p.platform.variant].filter(Boolean).join('/') : 'platform',
    })),
  ];
  for (const target of targets) {
    const attached = result.nodes.filter((n) => n.attachedTo === target.digest);
    lines.push(shown`  ${target.label} ${short(target.digest)}: ${attached.length} attached`);
    for (const node of attached) lines.push(...nodeLines(node, '    '));
  }
  for (const warning of result.warnings) lines.push(shown`  warning: ${warning}`);
  return `${lines.join('\n')}\n`;
}

import { array, record, text } from './json.js';
import type { StatementFacts } from './statement.js';

export interface ProvenanceFacts {
  predicateType: string;
  slsaVersion: 'v0.2' | 'v1';
  builderId?: string;
  buildType?: string;
  /** The source repository, as `https://host/owner/repo` (no `git+`, no `@ref`, no `.git`). */
  sourceRepository?: string;
  /** Where the source repository was read from, for a reason a person can check. */
  sourceField?: string;
}

const BUILDKIT_METADATA = 'https://mobyproject.org/buildkit@v1#metadata';

/** SLSA provenance v0.2 / v1 facts the gate matches on; undefined for any other predicate. */
export function readProvenance(statement: StatementFacts): ProvenanceFacts | undefined {
  const p = statement.predicate;
  if (statement.predicateType === 'https://slsa.dev/provenance/v0.2') {
    const facts: ProvenanceFacts = { predicateType: statement.predicateType, slsaVersion: 'v0.2' };
    assign(facts, 'builderId', text(record(p, 'builder'), 'id'));
    assign(facts, 'buildType', text(p, 'buildType'));
    // slsa-github-generator and most builders: invocation.configSource.uri; BuildKit: its vcs metadata.
    source(facts, [
      ['predicate.invocation.configSource.uri', text(record(p, 'invocation', 'configSource'), 'uri')],
      ['predicate.metadata.buildkit.vcs.source', text(record(p, 'metadata', BUILDKIT_METADATA, 'vcs'), 'source')],
      ['predicate.materials[].uri', firstGitUri(array(p, 'materials'))],
    ]);
    return facts;
  }
  if (statement.predicateType === 'https://slsa.dev/provenance/v1') {
    const facts: ProvenanceFacts = { predicateType: statement.predicateType, slsaVersion: 'v1' };
    assign(facts, 'builderId', text(record(p, 'runDetails', 'builder'), 'id'));
    assign(facts, 'buildType', text(record(p, 'buildDefinition'), 'buildType'));
    const external = record(p, 'buildDefinition', 'externalParameters');
    source(facts, [
      // GitHub Actions build type (slsa-github-generator v1, GitHub artifact attestations).
      ['externalParameters.workflow.repository', text(record(external, 'workflow'), 'repository')],
      // Container-based and generic builders: externalParameters.source {uri} or a string.
      ['externalParameters.source.uri', text(record(external, 'source'), 'uri') ?? text(external, 'source')],
      ['runDetails.metadata.buildkit.vcs.source', text(record(p, 'runDetails', 'metadata', BUILDKIT_METADATA, 'vcs'), 'source')],
      ['buildDefinition.resolvedDependencies[].uri', firstGitUri(array(record(p, 'buildDefinition'), 'resolvedDependencies'))],
    ]);
    return facts;
  }
  return undefined;
}

function assign(facts: ProvenanceFacts, key: 'builderId' | 'buildType', value: string | undefined): void {
  if (value !== undefined && value !== '') facts[key] = value;
}

function source(facts: ProvenanceFacts, candidates: [field: string, value: string | undefined][]): void {
  for (const [field, value] of candidates) {
    if (value === undefined || value.trim() === '') continue;
    facts.sourceRepository = normalizeRepository(value);
    facts.sourceField = field;
    return;
  }
}

function firstGitUri(entries: unknown[]): string | undefined {
  for (const entry of entries) {
    const uri = text(entry, 'uri');
    if (uri && /^git\+/.test(uri)) return uri;
  }
  return undefined;
}

/** `git+https://github.com/acme/app.git@refs/heads/main` → `https://github.com/acme/app`. */
export function normalizeRepository(uri: string): string {
  let out = uri.trim().replace(/^git\+/, '');
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(out)?.[0] ?? '';
  const rest = out.slice(scheme.length);
  const at = rest.indexOf('@', rest.indexOf('/') + 1);
  out = scheme + (at > 0 && rest.indexOf('/') >= 0 ? rest.slice(0, at) : rest);
  return out.replace(/\.git$/, '').replace(/\/+$/, '');
}

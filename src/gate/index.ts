/**
 * The release gate (issue 6): a policy, evidence from a bundle or a live
 * collection, a pure evaluation, and reports in five formats.
 */
export { loadPolicy } from './policy/load.js';
export type { Policy, PolicyRules, Signers, KeylessIdentity, AllowEntry, Mode, Scope, Severity, RuleName } from './policy/types.js';
export { evaluate, type Decision } from './evaluate.js';
export type { GateInput, GateEvidence, SignerRole, TargetVerdict } from './evidence.js';
export type { Reverify, ReverifyRequest } from './reverify.js';
export { trustReverifier } from './trust-reverifier.js';
export { prepareInput, type GateItem } from './prepare.js';
export { extractFacts, type EvidenceFacts } from './facts/extract.js';
export type { RuleResult, RuleStatus } from './rules/result.js';
export { gateFromBundle } from './sources/bundle.js';
export { gateLive } from './sources/live.js';
export type { GateOptions } from './sources/options.js';
export { buildReport, firstBlocking, subjectText, type GateReport, type Outcome } from './report.js';
export { renderReport, writeReport, REPORT_FORMATS, type ReportFormat } from './output/render.js';
export { renderText } from './output/text.js';

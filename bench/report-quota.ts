/**
 * The quota section of docs/BENCHMARKS.md (issue #11): figures and verdicts from bench/quota.ts.
 */
import { BEFORE_COMMIT, QuotaCase } from './quota';
import type { PhaseResult } from './quota-case';
import type { Verdict } from './report';
import { fmtMs, markdownTable, sum } from './stats';

export interface QuotaSettings {
  readonly provisioningMs: number;
  readonly deletionMs: number;
  readonly jitterMs: number;
  readonly bystanderIntervalMs: number;
}

const STACK_RATE_GOAL = 0.5;
const BYSTANDER_GOAL = 0.1;

/** The fewest SES calls each phase needs, per resource: the floor the quota imposes is this many seconds at 1 request/s. */
const CALLS_NEEDED = {
  endpoint: { create: 2, update: 3, destroy: 3 }, // Create + Get READY; Get, ListTags, Tag; ListTags, Delete, Get gone
  replica: { create: 3, update: 0, destroy: 3 }, // Get parent, Create, Get verified; nothing; ListTags, Delete, Get gone
} as const;

const caseLabel = (c: QuotaCase) => (c.shape === 'endpoints' ? `${c.count} endpoint${c.count === 1 ? '' : 's'}` : `${c.count} endpoints + ${c.count} DEED replicas`);
const rateOf = (p: PhaseResult, region: string) => p.stackCalls[region] / (p.durationMs / 1000);
const bystanderShare = (p: PhaseResult) => {
  const calls = sum(Object.values(p.bystanderCalls));
  return calls === 0 ? 0 : sum(Object.values(p.bystanderThrottled)) / calls;
};
const callsNeeded = (c: QuotaCase, p: PhaseResult) => c.count * (CALLS_NEEDED.endpoint[p.phase] + (c.shape === 'replicas' ? CALLS_NEEDED.replica[p.phase] : 0));
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

/** Every phase that ran, with its case. */
function phasesOf(cases: readonly QuotaCase[], design: QuotaCase['design']): Array<{ c: QuotaCase; p: PhaseResult }> {
  return cases.filter((c) => c.design === design).flatMap((c) => (c.result?.phases ?? []).map((p) => ({ c, p })));
}

function cleanRun(c: QuotaCase): boolean {
  const r = c.result;
  return r !== undefined && r.phases.length === 3 && r.phases.every((p) => /_COMPLETE$/.test(p.status) && !/ROLLBACK/.test(p.status) && p.failedResources === 0)
    && r.leftBehind.length === 0 && r.foreignIntact;
}

function outcome(c: QuotaCase): string {
  if (!c.result) return `did not run to the end: ${c.error}`;
  const failed = c.result.phases.find((p) => !/_COMPLETE$/.test(p.status) || /ROLLBACK/.test(p.status) || p.failedResources > 0);
  const parts = [
    failed ? `${failed.phase}: ${failed.status}${failed.failedResources ? `, ${failed.failedResources} resource(s) failed` : ''}${failed.reason ? ` (${failed.reason.slice(0, 120)})` : ''}` : 'all phases complete',
    c.result.leftBehind.length
      ? `left behind: ${c.result.leftBehind.length} (${c.result.leftBehind.slice(0, 2).join(', ')}${c.result.leftBehind.length > 2 ? ', …' : ''})`
      : 'nothing left behind',
    c.result.foreignIntact ? 'foreign untouched' : '**foreign touched**',
  ];
  return parts.join('; ');
}

export function quotaSection(cases: readonly QuotaCase[], settings: QuotaSettings): { markdown: string; verdicts: Verdict[] } {
  const rows = (['after', 'before'] as const).flatMap((design) => cases.filter((c) => c.design === design).flatMap((c) => (c.result?.phases ?? []).map((p) => {
    const regions = Object.keys(p.stackCalls);
    const needed = callsNeeded(c, p);
    const last = p.addedMs && p.addedMs.length > 0 ? fmtMs(Math.max(...p.addedMs)) : '–';
    return [
      design, caseLabel(c), p.phase, p.status,
      fmtMs(p.durationMs),
      `${needed} calls: ${fmtMs(needed * 1000)} at 1/s, ${fmtMs(needed * 2000)} at 0.5/s`,
      regions.map((r) => `${rateOf(p, r).toFixed(2)}${regions.length > 1 ? ` (${r})` : ''}`).join(', '),
      regions.map((r) => `${p.stackThrottled[r]}/${p.stackCalls[r]}`).join(', '),
      regions.map((r) => `${p.bystanderThrottled[r]}/${p.bystanderCalls[r]}`).join(', '),
      last,
    ];
  })));

  const after = phasesOf(cases, 'after');
  const before = phasesOf(cases, 'before');
  const worstRate = (list: typeof after) => Math.max(0, ...list.flatMap(({ p }) => Object.keys(p.stackCalls).map((r) => rateOf(p, r))));
  const worstShare = (list: typeof after) => Math.max(0, ...list.map(({ p }) => bystanderShare(p)));
  const afterCases = cases.filter((c) => c.design === 'after');
  const beforeCases = cases.filter((c) => c.design === 'before');
  const clean = afterCases.filter(cleanRun).length;
  const biggest = afterCases.filter((c) => c.shape === 'endpoints').sort((a, b) => b.count - a.count)[0];
  const biggestCreate = biggest?.result?.phases.find((p) => p.phase === 'create');

  const markdown = [
    '## 5. Living within SES\'s quota (issue #11)',
    '',
    `SES throttles every control-plane action at 1 request per second per account and region, shared with everything else that manages SES there. Each case deploys a stack, adds a tag to it (\`Tags.of(stack)\`, an update of every endpoint) and destroys it, against an emulator that enforces 1 request/s with a burst of 2 in each region, while a bystander (another tool managing SES) calls \`ListMultiRegionEndpoints\` once every ${fmtMs(settings.bystanderIntervalMs)} in each region the stack uses. Provisioning takes ${fmtMs(settings.provisioningMs)} plus up to ${fmtMs(settings.jitterMs)}, deletion ${fmtMs(settings.deletionMs)} plus up to ${fmtMs(settings.jitterMs)}. A foreign endpoint (and, with replicas, a foreign identity) exists before the deploy.`,
    '',
    '- **after**: this checkout: one provider per stack, every SES call at the resource\'s turn of a stack-wide schedule (one call per 2 s), retries in later turns.',
    `- **before**: commit ${BEFORE_COMMIT.slice(0, 7)}, the last before issue #11 (one Provider per resource kind, each endpoint polling every second, the SDK retrying throttling 8 times), checked out and bundled by the benchmark itself.`,
    '- Both designs run at the same time, each case in its own process with its own emulator (its own account).',
    '- **floor**: the fewest calls the phase needs (create: Create and one Get per endpoint, plus a parent read, Create and Get per replica; tag update: Get, ListTags and TagResource per endpoint; destroy: ListTags, Delete and Get per resource), and how long they take at SES\'s whole quota and at this library\'s half of it.',
    '- **stack req/s**: the stack\'s calls per region over the phase\'s duration. **throttled**: throttled calls / all calls, of the stack and of the bystander. **last READY → SUCCESS**: the longest time from an endpoint\'s READY at SES to its success at CloudFormation (the last one\'s delay).',
    '',
    markdownTable(['design', 'stack', 'phase', 'result', 'duration', 'floor', 'stack req/s', 'stack throttled', 'bystander throttled', 'last READY → SUCCESS'], rows),
    '',
    ...cases.map((c) => `- ${c.design}, ${caseLabel(c)}: ${outcome(c)}.`),
  ].join('\n');

  return {
    markdown,
    verdicts: [
      {
        goal: 'Under SES\'s quota (1 request/s, burst 2, per region) each stack (1, 10 and 20 endpoints; 5 endpoints with DEED replicas) deploys, updates tags and is destroyed: no failed resource, no orphan, nothing foreign touched',
        figure: `${clean} of ${afterCases.length} stacks clean; before issue #11, same run: ${beforeCases.filter(cleanRun).length} of ${beforeCases.length}`,
        met: afterCases.length > 0 && clean === afterCases.length,
        remedy: 'See the outcomes under section 5.',
      },
      {
        goal: `The stack's own SES calls: ≤ ${STACK_RATE_GOAL} requests/s per region on average over each deploy, update and destroy`,
        figure: `at most ${worstRate(after).toFixed(2)} requests/s; before issue #11, same run: up to ${worstRate(before).toFixed(2)}`,
        met: after.length > 0 && worstRate(after) <= STACK_RATE_GOAL,
        remedy: 'Lengthen the schedule\'s period (SES_CALL_PERIOD_MS).',
      },
      {
        goal: `A bystander calling every ${fmtMs(settings.bystanderIntervalMs)} in the same region: ≤ ${pct(BYSTANDER_GOAL)} of its calls throttled during any phase`,
        figure: `at most ${pct(worstShare(after))}; before issue #11, same run: up to ${pct(worstShare(before))}`,
        met: after.length > 0 && worstShare(after) <= BYSTANDER_GOAL,
        remedy: 'Lengthen the schedule\'s period, or check that no call leaves outside its turn.',
      },
      {
        goal: `${biggest ? caseLabel(biggest) : 'The biggest stack'}: the last endpoint's delay and the deploy's duration, against the floor the quota imposes (reported, no goal)`,
        figure: biggest && biggestCreate
          ? `create: last READY → SUCCESS ${fmtMs(Math.max(...(biggestCreate.addedMs ?? [NaN])))}, deploy ${fmtMs(biggestCreate.durationMs)} against a floor of ${fmtMs(callsNeeded(biggest, biggestCreate) * 1000)} at 1/s (${fmtMs(callsNeeded(biggest, biggestCreate) * 2000)} at this library's 0.5/s)`
          : 'n/a',
        met: true,
        remedy: '',
      },
    ],
  };
}

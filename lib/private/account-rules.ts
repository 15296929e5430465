/**
 * Whether a global endpoint's secondary region can carry its mail as the primary does: SES
 * production access, sending, quota and rate are per region, and "any discrepancies could
 * cause delivery failures" (SES developer guide, "Preparing the secondary region"). Pure
 * rules, shared by the construct (the mode's values) and the handler (the check itself).
 */

/** What `GetAccount` tells of one region, as the check reads it. */
export interface SendingAccount {
  readonly productionAccessEnabled: boolean;
  readonly sendingEnabled: boolean;
  /** Emails per 24 hours. */
  readonly max24HourSend: number;
  /** Emails per second. */
  readonly maxSendRate: number;
}

/** The modes of the check, as the `ProductionLimitsCheck` enum and the handler's property name them. */
export const PRODUCTION_LIMITS_CHECKS = ['REPORT', 'PARITY', 'STRICT'] as const;
export type ProductionLimitsMode = typeof PRODUCTION_LIMITS_CHECKS[number];
export const DEFAULT_PRODUCTION_LIMITS_CHECK: ProductionLimitsMode = 'PARITY';

/** What differs between the regions, in two kinds: what loses mail now, and what lowers failover capacity. */
export interface SendingDiscrepancies {
  /** The secondary region refuses mail the primary sends: sandbox or paused sending there, not in the primary. */
  readonly losesMail: string[];
  /** The secondary region is in the sandbox or paused too, or has a lower quota or rate than the primary. */
  readonly weaker: string[];
}

/** The discrepancies between the primary's account state and the secondary's, as sentences naming the region and what to request. */
export function sendingDiscrepancies(
  primary: SendingAccount, secondary: SendingAccount, primaryRegion: string, secondaryRegion: string,
): SendingDiscrepancies {
  const losesMail: string[] = [];
  const weaker: string[] = [];
  if (!secondary.productionAccessEnabled) {
    const sentence = `${secondaryRegion} is in the SES sandbox (it sends only to verified addresses): request production access in ${secondaryRegion}`;
    (primary.productionAccessEnabled ? losesMail : weaker).push(sentence);
  }
  if (!secondary.sendingEnabled) {
    const sentence = `sending is paused for the account in ${secondaryRegion}: resolve the pause in ${secondaryRegion}'s SES console (account dashboard)`;
    (primary.sendingEnabled ? losesMail : weaker).push(sentence);
  }
  if (secondary.max24HourSend < primary.max24HourSend) {
    weaker.push(`${secondaryRegion}'s sending quota is ${secondary.max24HourSend} emails per 24 hours, below ${primaryRegion}'s ${primary.max24HourSend}: `
      + `request a sending quota increase in ${secondaryRegion}`);
  }
  if (secondary.maxSendRate < primary.maxSendRate) {
    weaker.push(`${secondaryRegion}'s maximum send rate is ${secondary.maxSendRate} emails per second, below ${primaryRegion}'s ${primary.maxSendRate}: `
      + `request a sending rate increase in ${secondaryRegion}`);
  }
  return { losesMail, weaker: [...losesMail, ...weaker] };
}

/** The discrepancies that fail the deploy in `mode` (none in REPORT). */
export function blockingDiscrepancies(found: SendingDiscrepancies, mode: ProductionLimitsMode): string[] {
  switch (mode) {
    case 'REPORT': return [];
    case 'PARITY': return found.losesMail;
    case 'STRICT': return found.weaker;
  }
}

/** Returns why `mode` is not a mode of the check, or undefined. */
export function productionLimitsCheckError(mode: unknown, prop = 'productionLimitsCheck'): string | undefined {
  if ((PRODUCTION_LIMITS_CHECKS as readonly unknown[]).includes(mode)) return undefined;
  return `\`${prop}\` must be one of ${PRODUCTION_LIMITS_CHECKS.join(', ')}, got: ${typeof mode === 'string' ? `'${mode}'` : JSON.stringify(mode)}`;
}

/** The attribute names (Fn::GetAtt) of a region's account state: `<Primary|Secondary><field>`. */
export const ACCOUNT_ATTRIBUTE_FIELDS = ['ProductionAccessEnabled', 'SendingEnabled', 'Max24HourSend', 'MaxSendRate'] as const;

/** A region's account state as attributes: strings, as CloudFormation hands them on. */
export function accountAttributes(prefix: 'Primary' | 'Secondary', account: SendingAccount): Record<string, string> {
  return {
    [`${prefix}ProductionAccessEnabled`]: String(account.productionAccessEnabled),
    [`${prefix}SendingEnabled`]: String(account.sendingEnabled),
    [`${prefix}Max24HourSend`]: String(account.max24HourSend),
    [`${prefix}MaxSendRate`]: String(account.maxSendRate),
  };
}

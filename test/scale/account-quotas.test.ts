import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ACCOUNT_QUOTAS, checkAccountQuotas, QuotaReport, QuotaUse } from './account-quotas';
import { hundredServices } from './hundred-services-app';

/** The uses over their limit, one a line, for a failing assertion. */
const over = (uses: QuotaUse[]) => uses.filter((u) => u.used > u.limit).map((u) => `${u.quota}: ${u.used} > ${u.limit} at ${u.where}`).join('\n');

describe('a platform of 100 services with pipelines (and workers, jobs and event tasks), deployed into one account', () => {
  let report: QuotaReport;
  beforeAll(() => { report = checkAccountQuotas(hundredServices(fs.mkdtempSync(path.join(os.tmpdir(), 'quotas-')))); }, 240_000);
  const uses = (...quotas: string[]) => report.overLimit.filter((u) => quotas.includes(u.quota));
  const largest = (quota: string) => report.uses.find((u) => u.quota === quota)!;

  test('no role\'s inline policies outgrow IAM\'s 10,240 characters: what the platform shares does not grow with services', () => {
    // THEN the inline policies of every role, the service provider's included, fit
    expect(over(uses('inlinePolicyCharactersPerRole'))).toBe('');
    // AND the largest is far from the limit (nothing on it grows with services)
    expect(largest('inlinePolicyCharactersPerRole').used).toBeLessThan(ACCOUNT_QUOTAS.inlinePolicyCharactersPerRole / 2);
  });

  test('the account\'s 1,000 roles hold the platform: at most 8 roles per service with its pipeline, so about 120 services an account', () => {
    // GIVEN the roles of each template: the platform's stack, and one nested stack per workload
    const [parent, ...workloads] = Object.entries(report.rolesPerTemplate);
    const perWorkload = Math.max(...workloads.map(([, n]) => n));
    // THEN the whole platform fits the account's roles, with room left for everything else
    expect(over(uses('rolesPerAccount'))).toBe('');
    expect(perWorkload).toBeLessThanOrEqual(8);
    // An account without other roles holds (1,000 - the platform's own) / 8 services.
    expect(Math.floor((ACCOUNT_QUOTAS.rolesPerAccount - parent[1]) / perWorkload)).toBeGreaterThanOrEqual(120);
  });

  test('managed policies, role paths, the key, bucket and function policies, CloudFormation\'s template quotas, security-group rules, load balancers and the default event bus stay within their quotas', () => {
    const quotas = ['managedPolicyCharacters', 'managedPoliciesPerRole', 'rolePathCharacters', 'keyPolicyBytes', 'bucketPolicyBytes', 'functionPolicyBytes',
      'rulesPerSecurityGroupDirection', 'listenersPerLoadBalancer', 'rulesPerLoadBalancer', 'targetGroupsPerLoadBalancer', 'rulesPerEventBus',
      'resources', 'parameters', 'outputs', 'bodyBytes'];
    expect(over(uses(...quotas))).toBe('');
    // Every quota was measured (the checker found what it counts).
    for (const quota of quotas) expect({ quota, measured: largest(quota) !== undefined }).toEqual({ quota, measured: true });
  });
});

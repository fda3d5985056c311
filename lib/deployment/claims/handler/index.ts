/**
 * Custom::PlatformClaims: what the workloads of a published platform (its own and those of
 * platforms importing it by name, in any app) claim on it at deploy: their names, their rule
 * priorities and their routes on its load balancers (bundled into assets/claims by `npm run
 * bundle`; runs on Lambda with the AWS SDK it ships).
 *
 * Each claim is an SSM parameter `<Prefix><key>` whose value names its owner. A claim is taken
 * with PutParameter without overwrite, which creates the parameter only if it does not exist
 * ("The parameter already exists. You can't create duplicate parameters."): two deploys racing
 * for the same claim cannot both win. A claim that exists and names this owner is kept (a
 * retried or updated deploy); one that names another owner fails the resource with both owners,
 * after releasing what this request took. An update releases the claims the workload no longer
 * makes once it holds the new ones; a delete releases every claim this owner holds.
 * @see https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html (Overwrite, ParameterAlreadyExists)
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/crpg-ref-responses.html
 */
import { DeleteParameterCommand, GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { answer, CustomResourceRequest } from '../../custom-resource/handler/response';

/** The properties of a Custom::PlatformClaims resource. */
export interface ClaimsProperties {
  /** The platform's name, for the messages. */
  readonly Platform: string;
  /** Where the platform's claims live in SSM Parameter Store (ends with `/`). */
  readonly Prefix: string;
  /** Who claims: `<stack name>/<construct path in the stack>`. */
  readonly Owner: string;
  readonly Claims: Claim[];
}

/** One claim: a key unique on the platform, what it is and how to resolve a conflict, in words. */
export interface Claim {
  readonly Key: string;
  readonly What: string;
  readonly Fix: string;
}

/** What a claim's parameter holds. */
interface Holder {
  readonly owner: string;
  readonly what: string;
}

const ssm = new SSMClient({});

export async function handler(event: CustomResourceRequest<ClaimsProperties>): Promise<void> {
  const p = event.ResourceProperties;
  // One claims resource per workload, named after its owner: stable across updates.
  const physicalId = event.PhysicalResourceId ?? `${p.Prefix}${p.Owner}`.slice(0, 1024);
  await answer(event, physicalId, async () => {
    if (event.RequestType === 'Delete') {
      await release(p.Prefix, p.Owner, p.Claims);
    } else {
      await claim(p);
      const old = event.RequestType === 'Update' ? event.OldResourceProperties : undefined;
      if (old) {
        const kept = new Set(p.Claims.map((c) => `${p.Prefix}${c.Key}`));
        await release(old.Prefix, old.Owner, old.Claims.filter((c) => !kept.has(`${old.Prefix}${c.Key}`)));
      }
    }
    return { physicalId, data: {} };
  });
}

/** Takes every claim, or none: on a conflict, releases what this call took and throws with both owners. */
export async function claim(p: ClaimsProperties): Promise<void> {
  const taken: Claim[] = [];
  const conflicts: string[] = [];
  for (const c of p.Claims) {
    const name = `${p.Prefix}${c.Key}`;
    const value = JSON.stringify({ owner: p.Owner, what: c.What } satisfies Holder);
    try {
      await ssm.send(new PutParameterCommand({ Name: name, Value: value, Type: 'String', Overwrite: false, Description: `cdk-container-platform: ${c.What}` }));
      taken.push(c);
    } catch (e) {
      if ((e as Error).name !== 'ParameterAlreadyExists') throw e;
      const holder = await holderOf(name);
      if (holder?.owner === p.Owner) continue;
      conflicts.push(`${c.What} of platform '${p.Platform}' is claimed by ${holder?.owner ?? 'another workload'}; ${p.Owner} cannot claim it. Fix: ${c.Fix}.`);
    }
  }
  if (conflicts.length === 0) return;
  await release(p.Prefix, p.Owner, taken);
  throw new Error(`cdk-container-platform: ${conflicts.join(' ')}`);
}

/** Deletes the claims that `owner` holds (a claim another owner holds, or none holds, is left alone). */
export async function release(prefix: string, owner: string, claims: Claim[]): Promise<void> {
  for (const c of claims) {
    const name = `${prefix}${c.Key}`;
    const holder = await holderOf(name);
    if (holder?.owner !== owner) continue;
    try {
      await ssm.send(new DeleteParameterCommand({ Name: name }));
    } catch (e) {
      if ((e as Error).name !== 'ParameterNotFound') throw e;
    }
  }
}

async function holderOf(name: string): Promise<Holder | undefined> {
  try {
    const out = await ssm.send(new GetParameterCommand({ Name: name }));
    return JSON.parse(out.Parameter?.Value ?? '{}') as Holder;
  } catch (e) {
    if ((e as Error).name === 'ParameterNotFound') return undefined;
    throw e;
  }
}

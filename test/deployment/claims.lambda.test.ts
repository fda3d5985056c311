import { claim, ClaimsProperties, handler, release } from '../../lib/deployment/claims/handler';
import { routeSdkTo } from '../lifecycle/model/sdk';

/**
 * Custom::PlatformClaims' handler against an in-memory Parameter Store that answers as SSM does:
 * PutParameter without Overwrite fails with ParameterAlreadyExists on an existing name, GetParameter
 * and DeleteParameter with ParameterNotFound on a missing one.
 * @see https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html
 */

const store = new Map<string, string>();

function error(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}

let restore: () => void;
beforeEach(() => {
  store.clear();
  restore = routeSdkTo(async (service, operation, input) => {
    if (service !== 'SSM') throw new Error(`unexpected ${service}`);
    const name = String(input.Name);
    if (operation === 'PutParameter') {
      if (store.has(name) && input.Overwrite !== true) throw error('ParameterAlreadyExists', 'The parameter already exists.');
      store.set(name, String(input.Value));
      return { Version: 1 };
    }
    if (!store.has(name)) throw error('ParameterNotFound', `Parameter ${name} not found.`);
    if (operation === 'GetParameter') return { Parameter: { Name: name, Value: store.get(name) } };
    if (operation === 'DeleteParameter') { store.delete(name); return {}; }
    throw new Error(`unexpected ${operation}`);
  });
});
afterEach(() => restore());

const PREFIX = '/cdk-container-platform/platform/shop/claims/';

function claims(owner: string, route = '/payments/*'): ClaimsProperties {
  return {
    Platform: 'shop',
    Prefix: PREFIX,
    Owner: owner,
    Claims: [
      { Key: 'name/shop-Payments', What: 'the workload name shop-Payments', Fix: 'give one of the two workloads another ID' },
      { Key: `route/0/${route}`, What: `the route paths ${route} on load balancer 0`, Fix: 'give one of the two services another path or host' },
    ],
  };
}

test('claims every key for its owner', async () => {
  await claim(claims('TeamA/Payments'));
  expect([...store.keys()].sort()).toEqual([`${PREFIX}name/shop-Payments`, `${PREFIX}route/0//payments/*`]);
  expect(JSON.parse(store.get(`${PREFIX}name/shop-Payments`)!)).toEqual({ owner: 'TeamA/Payments', what: 'the workload name shop-Payments' });
});

test('claiming again for the same owner (a retried or updated deploy) keeps the claims', async () => {
  await claim(claims('TeamA/Payments'));
  await expect(claim(claims('TeamA/Payments'))).resolves.toBeUndefined();
});

test('a claim another owner holds fails with both owners and the fix, and takes nothing', async () => {
  // GIVEN TeamA holds the route
  await claim({ ...claims('TeamA/Refunds'), Claims: [claims('TeamA/Refunds').Claims[1]] });
  // WHEN TeamB's Payments claims its name and the same route
  await expect(claim(claims('TeamB/Payments'))).rejects.toThrow(
    "cdk-container-platform: the route paths /payments/* on load balancer 0 of platform 'shop' is claimed by TeamA/Refunds; TeamB/Payments cannot claim it. "
    + 'Fix: give one of the two services another path or host.');
  // THEN the name it took first is released again
  expect([...store.keys()]).toEqual([`${PREFIX}route/0//payments/*`]);
});

test('release deletes only what the owner holds', async () => {
  await claim(claims('TeamA/Payments'));
  await release(PREFIX, 'TeamB/Payments', claims('TeamB/Payments').Claims);
  expect(store.size).toBe(2);
  await release(PREFIX, 'TeamA/Payments', claims('TeamA/Payments').Claims);
  expect(store.size).toBe(0);
});

describe('the CloudFormation handler', () => {
  let responses: Array<Record<string, unknown>>;
  const realFetch = global.fetch;
  beforeEach(() => {
    responses = [];
    global.fetch = (async (_url: string, init: { body: string }) => {
      responses.push(JSON.parse(init.body));
      return new Response(null, { status: 200 });
    }) as unknown as typeof fetch;
  });
  afterEach(() => { global.fetch = realFetch; });

  const event = (type: 'Create' | 'Update' | 'Delete', props: ClaimsProperties, old?: ClaimsProperties) => ({
    RequestType: type, ResponseURL: 'https://cloudformation/response', StackId: 'stack', RequestId: `r-${type}`, LogicalResourceId: 'Claims', ResourceType: 'Custom::PlatformClaims',
    PhysicalResourceId: type === 'Create' ? undefined : `${PREFIX}${props.Owner}`, ResourceProperties: props, OldResourceProperties: old,
  });

  test('an update claims the new route, then releases the one the workload no longer routes; the physical ID stays', async () => {
    await handler(event('Create', claims('TeamA/Payments')));
    await handler(event('Update', claims('TeamA/Payments', '/pay/*'), claims('TeamA/Payments')));
    expect(responses.map((r) => [r.Status, r.PhysicalResourceId])).toEqual([
      ['SUCCESS', `${PREFIX}TeamA/Payments`], ['SUCCESS', `${PREFIX}TeamA/Payments`],
    ]);
    expect([...store.keys()].sort()).toEqual([`${PREFIX}name/shop-Payments`, `${PREFIX}route/0//pay/*`]);
  });

  test('a conflict answers FAILED with the message; a delete releases', async () => {
    await handler(event('Create', claims('TeamA/Payments')));
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    await handler(event('Create', claims('TeamB/Payments')));
    // the function's log has the refusal too (its log group in AWS)
    expect(error).toHaveBeenCalledWith(expect.stringContaining('TeamB/Payments cannot claim it'));
    error.mockRestore();
    expect(responses[1]).toMatchObject({ Status: 'FAILED', Reason: expect.stringContaining("the workload name shop-Payments of platform 'shop' is claimed by TeamA/Payments; TeamB/Payments cannot claim it.") });
    await handler(event('Delete', claims('TeamA/Payments')));
    expect(store.size).toBe(0);
  });
});

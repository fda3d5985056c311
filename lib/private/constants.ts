/** The container's name in every task definition of a service, worker, job or event task. */
export const CONTAINER_NAME = 'app';
/** The tag the first build also pushes, so that the task definition the service was created with can run. */
export const BOOTSTRAP_TAG = 'bootstrap';
/** The non-essential container that opens the read-only root's /tmp volume to every user before the app starts. */
export const TMP_INIT_CONTAINER = 'tmp-permissions';
/**
 * The hard memory limit of the tmp-permissions container, which runs `chmod` and exits before
 * the app starts: Control Tower's CT.ECS.PR.7 requires a container-level memory limit on every
 * container (at least 4 MiB; Docker 20.10 reserves at least 6 MiB for a container).
 * @see https://docs.aws.amazon.com/controltower/latest/controlreference/ecs-rules.html#ct-ecs-pr-7-description
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html (memory)
 */
export const TMP_INIT_MEMORY_MIB = 32;
/**
 * "Inbound or outbound rules per security group: 60" by default, for each IP version (adjustable).
 * @see https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups
 */
export const INBOUND_RULES_PER_SECURITY_GROUP = 60;

/**
 * The warning of a security group of a load balancer that would hold more inbound rules than AWS
 * allows by default (IPv4 rules: the platform's load balancers take IPv4 blocks only): `group`
 * names it, `counted` says what its rules are, `fix` how to have fewer.
 */
export function inboundRulesWarning(group: string, rules: number, counted: string, fix: string): string {
  return `${group} would hold ${rules} inbound IPv4 rules (${counted}), and AWS allows ${INBOUND_RULES_PER_SECURITY_GROUP} for each IP version `
    + 'unless the quota "Inbound or outbound rules per security group" was raised for the account: CloudFormation would fail to add the rest. '
    + `${fix}, or raise the quota and acknowledge this warning.`;
}

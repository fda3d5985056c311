/**
 * The length limits of every name the library makes or takes, in one table: what the name is,
 * its limit and what the library does with a longer one.
 *
 * - `fit`: a physical name the library makes from the platform's name and an ID; a longer one
 *   keeps its start and ends in a digest of the whole (`fitName`), so it stays unique and stable.
 * - `refuse`: a name the user picks (an ID, the platform's name), or a made name whose start a
 *   policy matches (`<platform name>-*`): synthesis fails with the library's error.
 */
export interface NameLimit {
  /** The most characters. */
  readonly max: number;
  readonly policy: 'fit' | 'refuse';
}

export const NAME_LIMITS = {
  /**
   * A workload's construct ID, which names its resources: the 32 characters of a target group
   * name, which aws-cdk-lib derives from it.
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html
   */
  workloadId: { max: 32, policy: 'refuse' },
  /** The platform's name (`platformName`), which starts its workloads' names: as long as a stack name. */
  platformName: { max: 128, policy: 'refuse' },
  /**
   * The name of a published platform, which names its CodeDeploy application.
   * @see https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_CreateApplication.html (applicationName: 1 to 100)
   */
  publishedPlatformName: { max: 100, policy: 'refuse' },
  /**
   * A service's name (`<platform name>-<id>`), its ECS service's: letters, digits, hyphens and
   * underscores, at most 255.
   * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html (serviceName)
   */
  serviceName: { max: 255, policy: 'fit' },
  /**
   * The name of a worker, job or event task. It fits every resource named by it (an ECS service
   * name, a CodeCommit repository name and the CodeBuild descriptions); it stays at the 64
   * characters it was chosen for when rules and schedules carried it too, because a shorter one
   * would rename, and so replace, what the name already names.
   */
  workloadName: { max: 64, policy: 'fit' },
  /**
   * A service's name where a CodeDeploy deployment group takes it (and a CodeCommit repository):
   * refused rather than shortened, since the provider's and the smoke test's policies match the
   * groups by the prefix `<platform name>-`.
   * @see https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_CreateDeploymentGroup.html (deploymentGroupName)
   */
  deliveryName: { max: 100, policy: 'refuse' },
  /**
   * An alarm's name (`<service name>-<alarm ID>`).
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
   */
  alarmName: { max: 255, policy: 'fit' },
  /**
   * The CodeCommit repository a source creates: the workload's name and the stack instance's suffix.
   * @see https://docs.aws.amazon.com/codecommit/latest/userguide/limits.html
   */
  codeCommitRepository: { max: 100, policy: 'fit' },
  /**
   * The domain a platform serves: the longest first name of an ACM certificate.
   * @see https://docs.aws.amazon.com/acm/latest/APIReference/API_RequestCertificate.html
   */
  certificateName: { max: 64, policy: 'refuse' },
  /**
   * A path pattern or host of a listener rule's condition.
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_RuleCondition.html
   */
  ruleCondition: { max: 128, policy: 'refuse' },
} as const satisfies Record<string, NameLimit>;

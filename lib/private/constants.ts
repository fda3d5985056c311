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

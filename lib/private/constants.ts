/** The container's name in every task definition of a service, worker, job or event task. */
export const CONTAINER_NAME = 'app';
/** The tag the first build also pushes, so that the task definition the service was created with can run. */
export const BOOTSTRAP_TAG = 'bootstrap';
/** The non-essential container that opens the read-only root's /tmp volume to every user before the app starts. */
export const TMP_INIT_CONTAINER = 'tmp-permissions';

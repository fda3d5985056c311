/** The container's name in every task definition of a service. */
export const CONTAINER_NAME = 'app';
/** The tag the first build also pushes, so that the task definition the service was created with can run. */
export const BOOTSTRAP_TAG = 'bootstrap';

/**
 * The time budget of the platform's smoke test, shared by the construct (which validates
 * `attempts` against it) and the handler (which keeps to it). No imports: the handler is bundled.
 */
export const SMOKE_TEST_TIMING = {
  /** The function's timeout. */
  functionTimeoutSeconds: 120,
  /** How long one request may take. */
  requestTimeoutMs: 5_000,
  /** The pause between two attempts. */
  pauseMs: 5_000,
  /** Finding the service and reading its settings, before the first attempt. */
  setupReserveMs: 10_000,
  /** Kept back at the end to report the result, retries included. */
  reportReserveMs: 15_000,
  /** Reports sent to CodeDeploy before the invocation gives up with an error. */
  reportAttempts: 3,
  /** The first pause between two reports; it doubles after each. */
  reportRetryMs: 250,
} as const;

/**
 * The most attempts that fit in the function's timeout: n requests and n - 1 pauses within
 * the timeout less the setup and report reserves.
 */
export const MAX_SMOKE_TEST_ATTEMPTS = Math.floor(
  (SMOKE_TEST_TIMING.functionTimeoutSeconds * 1000 - SMOKE_TEST_TIMING.setupReserveMs - SMOKE_TEST_TIMING.reportReserveMs + SMOKE_TEST_TIMING.pauseMs)
  / (SMOKE_TEST_TIMING.requestTimeoutMs + SMOKE_TEST_TIMING.pauseMs));

/**
 * The body of the fixed 404 that every listener of the platform answers when no rule matches
 * (its default action). The smoke test refuses it: it means the request never reached a service.
 */
export const PLATFORM_NOT_FOUND_BODY = 'No service on this platform matches the request.';

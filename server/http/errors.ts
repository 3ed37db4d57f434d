/** API errors: every failure answers JSON `{code, message}` (plus `field` for bad input, and any `details`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly headers: Record<string, string> = {},
    /** More members of the JSON answer, e.g. the current state of a resource with a 409. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const badRequest = (field: string, message: string) => new ApiError(400, 'invalid_request', message, field);
export const forbidden = (message = 'You may not access this resource') => new ApiError(403, 'forbidden', message);
export const notFound = (message = 'Not found') => new ApiError(404, 'not_found', message);
export const unauthorized = (message = 'Authentication required') =>
  new ApiError(401, 'unauthorized', message, undefined, { 'WWW-Authenticate': 'Bearer' });

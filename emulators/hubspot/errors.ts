import { randomUUID } from 'node:crypto';

/**
 * HubSpot's standard error body (https://developers.hubspot.com/docs/api-reference/error-handling):
 * `{status:"error", message, correlationId, category, subCategory?, context?, links?, errors?}`.
 * The SDK's `Error` model requires `message`, `correlationId` and `category`.
 */
export interface ErrorDetail {
  message: string;
  code?: string;
  in?: string;
  subCategory?: string;
  context?: Record<string, string[]>;
}

export interface HubSpotErrorBody {
  status: 'error';
  message: string;
  correlationId: string;
  category: string;
  subCategory?: string;
  context?: Record<string, string[]>;
  links?: Record<string, string>;
  errors?: ErrorDetail[];
  [extra: string]: unknown;
}

export class HubSpotError extends Error {
  readonly httpStatus: number;
  readonly body: HubSpotErrorBody;
  readonly headers: Record<string, string>;

  constructor(
    httpStatus: number,
    body: { message: string; category: string; status?: string; [extra: string]: unknown },
    headers: Record<string, string> = {},
  ) {
    super(body.message);
    this.httpStatus = httpStatus;
    this.body = { status: 'error', correlationId: randomUUID(), ...body } as HubSpotErrorBody;
    this.headers = headers;
  }
}

export const validationError = (message: string, errors?: ErrorDetail[], extra: Partial<HubSpotErrorBody> = {}) =>
  new HubSpotError(400, { message, category: 'VALIDATION_ERROR', ...(errors ? { errors } : {}), ...extra });

/** Body of a record-not-found 404; HubSpot does not document the exact text. */
export const objectNotFound = (message = 'resource not found') => new HubSpotError(404, { message, category: 'OBJECT_NOT_FOUND' });

export const conflict = (message: string) => new HubSpotError(409, { message, category: 'CONFLICT' });

/** Unknown paths: HubSpot answers 404 with its error body, never an HTML page. */
export const routeNotFound = (method: string, path: string) =>
  new HubSpotError(404, { message: `Unable to find a route for ${method} ${path}`, category: 'OBJECT_NOT_FOUND' });

/**
 * Property validation failure, as in the docs' example for an unknown property
 * (https://developers.hubspot.com/docs/api-reference/legacy/crm/using-object-apis): the top-level message embeds the
 * per-property results as JSON, and `errors[]` repeats them as `{message, code, context.propertyName}`.
 */
export interface PropertyProblem {
  name: string;
  message: string;
  error: string;
  propertyValue?: string;
}

export const propertyValuesNotValid = (problems: PropertyProblem[]) =>
  validationError(
    `Property values were not valid: ${JSON.stringify(
      problems.map((p) => ({
        isValid: false,
        message: p.message,
        error: p.error,
        name: p.name,
        ...(p.propertyValue !== undefined ? { propertyValue: p.propertyValue } : {}),
      })),
    )}`,
    problems.map((p) => ({ message: p.message, code: p.error, context: { propertyName: [p.name] } })),
  );

/**
 * QBO fault shapes. Data-API faults use PascalCase keys
 * `{"Fault":{"Error":[{Message,Detail,code,element?}],"type"},"time"}`; the API gateway's 401 uses
 * lower-case keys `{"fault":{"error":[{message,detail,code}],"type":"AUTHENTICATION"}}`.
 * https://developer.intuit.com/app/developer/qbo/docs/develop/troubleshooting/error-codes
 */
export type FaultType = 'ValidationFault' | 'SystemFault' | 'AuthenticationFault' | 'AuthorizationFault' | 'SERVICE';

export interface FaultError {
  Message: string;
  Detail: string;
  code: string;
  element?: string;
}

export class QboFault extends Error {
  constructor(
    readonly status: number,
    readonly type: FaultType,
    readonly errors: FaultError[],
  ) {
    super(errors.map((e) => `${e.code} ${e.Message}: ${e.Detail}`).join('; '));
  }

  body(time: string): { Fault: { Error: FaultError[]; type: FaultType }; time: string } {
    return { Fault: { Error: this.errors, type: this.type }, time };
  }
}

const validation = (code: string, Message: string, Detail: string, element?: string): QboFault =>
  new QboFault(400, 'ValidationFault', [{ Message, Detail, code, ...(element === undefined ? {} : { element }) }]);

/** Builders for every fault the emulator raises, with Intuit's messages (https://developer.intuit.com/app/developer/qbo/docs/develop/troubleshooting/error-codes). */
export const faults = {
  objectNotFound: (entity: string, id: string) =>
    validation(
      '610',
      'Object Not Found',
      `Object Not Found : Something you're trying to use has been made inactive. Check the fields with accounts, customers, items, vendors or employees.`,
      `${entity}:${id}`,
    ),
  readNotFound: (entity: string, id: string) =>
    validation(
      '610',
      'Object Not Found',
      `Object Not Found : Something you're trying to use has been made inactive. Check the fields with accounts, customers, items, vendors or employees. ${entity} Id ${id} does not exist.`,
    ),
  invalidReference: (element: string, id: string) =>
    validation('2500', 'Invalid Reference Id', `Invalid Reference Id : ${element} element id ${id} not found`, element),
  requiredParam: (param: string) =>
    validation('2020', 'Required param missing, need to supply the required value for the API', `Required parameter ${param} is missing in the request`, param),
  unsupportedProperty: (property: string, entity: string) =>
    validation(
      '2010',
      'Request has invalid or unsupported property',
      `Property Name:Unrecognized field "${property}" (class com.intuit.schema.finance.v3.${entity}), not marked as ignorable specified is unsupported or invalid`,
      property,
    ),
  invalidValue: (property: string, reason: string) =>
    validation('2010', 'Request has invalid or unsupported property', `Property Name:${property} specified is unsupported or invalid: ${reason}`, property),
  unsupportedParameter: (name: string) =>
    validation('2010', 'Request has invalid or unsupported property', `Parameter Name:${name} specified is unsupported or invalid`, name),
  invalidEnum: (property: string, value: string) => validation('2170', 'Invalid Enumeration', `Invalid Enumeration : ${value}`, property),
  stale: () =>
    validation(
      '5010',
      'Stale Object Error',
      'Stale Object Error : You and Emulator User were working on this at the same time. Emulator User finished before you did, so your work was not saved.',
    ),
  duplicateName: () =>
    validation(
      '6240',
      'Duplicate Name Exists Error',
      'The name supplied already exists. : Another customer, vendor or employee is already using this name. Please use a different name.',
    ),
  duplicateItemName: () =>
    validation(
      '6240',
      'Duplicate Name Exists Error',
      'The name supplied already exists. : Another product or service is already using this name. Please use a different name.',
    ),
  duplicateAccountName: () =>
    validation(
      '6240',
      'Duplicate Name Exists Error',
      'The name supplied already exists. : Another account is already using this name. Please use a different name.',
    ),
  duplicateDocNumber: (docNumber: string, txnType: string, txnId: string) =>
    validation(
      '6140',
      'Duplicate Document Number Error',
      `Duplicate Document Number Error : You must specify a different number. This number has already been used. DocNumber=${docNumber} is assigned to TxnType=${txnType} with TxnId=${txnId}`,
    ),
  /** Field reports of real responses: 6070 with the supplied Amount (QBO rounds Qty × UnitPrice half-up to the cent). */
  amountMismatch: (amount: number) =>
    validation('6070', 'Amount is not equal to UnitPrice * Qty', `Amount is not equal to UnitPrice * Qty. Supplied value:${amount}`, 'Line.Amount'),
  businessValidation: (detail: string) =>
    validation('6000', 'A business validation error has occurred while processing your request', `Business Validation Error: ${detail}`),
  unsupportedOperation: (detail: string) => validation('500', 'Unsupported Operation', `Operation ${detail} is not supported.`),
  queryParse: (detail: string) => validation('4000', 'Error parsing query', `QueryParserError: ${detail}`),
  queryValidation: (detail: string) => validation('4001', 'Invalid query', `QueryValidationError: ${detail}`),
  invalidRequest: (detail: string) => validation('2030', 'Invalid ID', detail),
  badRequestBody: (detail: string) => validation('2010', 'Request has invalid or unsupported property', `Request body is invalid: ${detail}`),
  throttled: () =>
    new QboFault(429, 'SERVICE', [
      { Message: 'message=ThrottleExceeded; errorCode=003001; statusCode=429', Detail: 'The request limit was reached.  Try again later', code: '3001' },
    ]),
  forbiddenRealm: () =>
    new QboFault(403, 'AuthorizationFault', [
      {
        Message: 'message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403',
        Detail: 'The application is not authorized to access this company',
        code: '3100',
      },
    ]),
  internal: () =>
    new QboFault(500, 'SystemFault', [
      {
        Message: 'An application error has occurred while processing your request',
        Detail: 'System Failure Error: An unexpected error occurred while accessing or saving your data.',
        code: '10000',
      },
    ]),
  unavailable: () =>
    new QboFault(503, 'SystemFault', [{ Message: 'Service Unavailable', Detail: 'The service is temporarily unavailable. Try again later.', code: '10000' }]),
};

/** The gateway's 401 (https://github.com/mcohen01/node-quickbooks/issues/97): lower-case keys, code 3200. */
export function authFailedBody(detail: string, time: string) {
  return {
    fault: {
      error: [{ message: 'message=AuthenticationFailed; errorCode=003200; statusCode=401', detail, code: '3200' }],
      type: 'AUTHENTICATION',
    },
    time,
  };
}

/** 429 as XML, the shape QBO historically sent even to JSON requests (https://github.com/intuit/QuickBooks-V3-PHP-SDK/issues/54). */
export function throttledXml(time: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
    `<IntuitResponse xmlns="http://schema.intuit.com/finance/v3" time="${time}">` +
    `<Fault type="SERVICE"><Error code="3001"><Message>message=ThrottleExceeded; errorCode=003001; statusCode=429</Message>` +
    `<Detail>The request limit was reached.  Try again later</Detail></Error></Fault></IntuitResponse>`
  );
}

import { describe, expect, it } from '@jest/globals';
import { AxiosError, AxiosHeaders } from 'axios';
import { classifyQboError, QboApiError } from './errors';

const httpError = (status: number, data: unknown, headers: Record<string, string> = {}) =>
  new AxiosError('Request failed', 'ERR_BAD_RESPONSE', undefined, undefined, {
    status,
    statusText: '',
    data,
    headers: new AxiosHeaders(headers),
    config: { headers: new AxiosHeaders() },
  });

const fault = (code: string, type = 'ValidationFault') => ({ Fault: { Error: [{ Message: 'msg', Detail: 'detail', code }], type }, time: 't' });

describe('classifyQboError', () => {
  it.each([
    [
      401,
      { fault: { error: [{ message: 'AuthenticationFailed', detail: 'Token expired', code: '3200' }], type: 'AUTHENTICATION' } },
      'reauth_required',
      '3200',
    ],
    [403, fault('3100', 'AuthorizationFault'), 'reauth_required', '3100'],
    [400, fault('5010'), 'stale_object', '5010'],
    [400, fault('6240'), 'duplicate_name', '6240'],
    [400, fault('610'), 'not_found', '610'],
    [400, fault('2020'), 'validation', '2020'],
    [400, fault('4000'), 'validation', '4000'],
    [500, fault('10000', 'SystemFault'), 'unavailable', '10000'],
    [502, '<html>Bad gateway</html>', 'unavailable', undefined],
    [503, fault('10000', 'SystemFault'), 'unavailable', '10000'],
  ])('HTTP %i → %s', (status, data, kind, code) => {
    expect(classifyQboError(httpError(status, data))).toMatchObject({ kind, status, code });
  });

  it('reads the XML throttle fault and Retry-After (seconds or HTTP date)', () => {
    const xml =
      '<?xml version="1.0"?><IntuitResponse><Fault type="SERVICE"><Error code="3001"><Message>message=ThrottleExceeded; errorCode=003001; statusCode=429</Message>' +
      '<Detail>The request limit was reached.  Try again later</Detail></Error></Fault></IntuitResponse>';
    const e = classifyQboError(httpError(429, xml, { 'retry-after': '12' }));
    expect(e).toMatchObject({ kind: 'rate_limited', code: '3001', retryAfterMs: 12_000, retryable: true });
    expect(e.detail).toContain('The request limit was reached');
    // The 2016-era throttle came as 403 with code 3001 (https://github.com/intuit/QuickBooks-V3-PHP-SDK/issues/54).
    expect(classifyQboError(httpError(403, fault('3001', 'SERVICE'))).kind).toBe('rate_limited');
  });

  it('classifies a Fault delivered with HTTP 200 (node-quickbooks passes the body as the error)', () => {
    expect(classifyQboError(fault('6240'))).toMatchObject({ kind: 'duplicate_name', status: undefined, code: '6240', detail: 'msg: detail' });
  });

  it('classifies axios timeouts and network failures', () => {
    expect(classifyQboError(new AxiosError('timeout of 100ms exceeded', 'ECONNABORTED')).kind).toBe('timeout');
    expect(classifyQboError(new AxiosError('connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED')).kind).toBe('unavailable');
    expect(classifyQboError(new AxiosError('socket hang up', 'ECONNRESET')).retryable).toBe(true);
  });

  it('passes QboApiError through and never retries what it does not recognise', () => {
    const known = new QboApiError({ kind: 'timeout', detail: 'x' });
    expect(classifyQboError(known)).toBe(known);
    expect(classifyQboError(new TypeError('bug'))).toMatchObject({ kind: 'validation', retryable: false });
  });

  it('says what to do in plain language', () => {
    expect(new QboApiError({ kind: 'rate_limited', detail: 'x' }).userMessage).toMatch(/retries automatically/);
    expect(new QboApiError({ kind: 'validation', code: '2020', detail: 'Required parameter Line is missing' }).userMessage).toBe(
      'QuickBooks rejected the record: Required parameter Line is missing. Correct the value in HubSpot or QuickBooks, then retry the record.',
    );
  });
});

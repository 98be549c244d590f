import axios from 'axios';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const call = (method: 'GET' | 'POST', path: string, data?: unknown, contentType = 'application/json') =>
  axios.request({
    method,
    url: `${h.info.url}/v3/company/${h.info.realmId}${path}`,
    data,
    headers: { Authorization: `Bearer ${h.info.accessToken}`, 'Content-Type': contentType },
    validateStatus: () => true,
  });

describe('unsupported input gets a real-shaped fault, never a silent 200', () => {
  it.each([
    ['unknown entity', 'GET', '/vendor/1', undefined],
    ['unknown entity on create', 'POST', '/widget', { Name: 'x' }],
    ['unknown operation', 'POST', '/customer?operation=merge', { Id: '1', SyncToken: '0' }],
    ['void on a name list', 'POST', '/customer?operation=void', { Id: '1', SyncToken: '0' }],
    ['include=void on an invoice', 'POST', '/invoice?operation=update&include=void', { Id: '1', SyncToken: '0' }],
    ['unknown parameter', 'GET', '/preferences?colour=red', undefined],
    ['unknown include value', 'POST', '/invoice?include=everything', {}],
    ['non-JSON format', 'GET', '/preferences?format=xml', undefined],
    ['non-integer minorversion', 'GET', '/preferences?minorversion=abc', undefined],
    ['unknown query clause', 'GET', `/query?query=${encodeURIComponent('select * from Customer limit 5')}`, undefined],
    ['writing a read-only entity', 'POST', '/taxcode', { Name: 'X' }],
    ['malformed JSON', 'POST', '/customer', '{"DisplayName":', 'application/json'],
    ['unknown sub-resource', 'GET', '/invoice/1/history', undefined],
  ] as const)('%s', async (_label, method, path, body, ...rest) => {
    const res = await call(method, path, body, rest[0] as string | undefined);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.data.Fault).toMatchObject({
      type: 'ValidationFault',
      Error: [expect.objectContaining({ code: expect.any(String), Message: expect.any(String), Detail: expect.any(String) })],
    });
    expect(typeof res.data.time).toBe('string');
    expect(res.headers.intuit_tid).toBeTruthy();
  });
});

import { ActionRequestError, blockedOutputFields, outputFields, parseActionExecution } from './workflow-action';

describe('workflow action executions', () => {
  test("the docs' example execution, with requested properties", () => {
    // https://developers.hubspot.com/docs/api-reference/automation-actions-v4-v4/custom-action-reference ("Example function")
    const body = {
      callbackId: 'ap-102670506-56777914962-11-0',
      origin: {
        portalId: 102670506,
        actionDefinitionId: 10860211,
        actionDefinitionVersion: 1,
        extensionDefinitionId: 10860211,
        extensionDefinitionVersionId: 1,
      },
      context: { source: 'WORKFLOWS', workflowId: 192814114 },
      object: { objectId: 614, objectType: 'DEAL', properties: { dealname: 'Retrofit', deal_currency_code: null, amount: 12 } },
      inputFields: { widgetOwner: '10887165', sendEmail: 'yes', quantity: 3, flag: true, nothing: null },
    };
    expect(parseActionExecution(JSON.stringify(body))).toEqual({
      callbackId: 'ap-102670506-56777914962-11-0',
      portalId: 102670506,
      objectType: 'DEAL',
      objectId: '614',
      properties: { dealname: 'Retrofit', deal_currency_code: null, amount: '12' },
      inputs: { widgetOwner: '10887165', sendEmail: 'yes', quantity: '3', flag: 'true' },
      workflowId: 192814114,
    });
  });

  test('older payloads name the inputs `fields`; a string portal id is read as a number', () => {
    const body = { callbackId: 'ap-1', origin: { portalId: '62515' }, object: { objectId: '7', objectType: 'deal' }, fields: { taxCode: '20.0% S' } };
    expect(parseActionExecution(JSON.stringify(body))).toMatchObject({
      portalId: 62515,
      objectType: 'DEAL',
      objectId: '7',
      properties: undefined,
      inputs: { taxCode: '20.0% S' },
    });
  });

  test('anything else is refused with what is wrong', () => {
    expect(() => parseActionExecution('{')).toThrow(new ActionRequestError('the body is not JSON'));
    expect(() => parseActionExecution(JSON.stringify({ origin: { portalId: 1 }, object: { objectId: 1, objectType: 'DEAL' } }))).toThrow(/callbackId/);
    expect(() => parseActionExecution(JSON.stringify({ callbackId: 'x', origin: { portalId: -1 }, object: { objectId: 1, objectType: 'DEAL' } }))).toThrow(
      /portalId/,
    );
    for (const objectId of ['', 'abc', '12/../34', -3, 1.5, true]) {
      expect(() => parseActionExecution(JSON.stringify({ callbackId: 'x', origin: { portalId: 1 }, object: { objectId, objectType: 'DEAL' } }))).toThrow(
        /objectId/,
      );
    }
  });

  test('answers: outputs with the execution state, or BLOCK with how long to wait', () => {
    expect(outputFields({ state: 'FAIL_CONTINUE', outputs: { errorCode: 'NO_CONTACT' } })).toEqual({
      errorCode: 'NO_CONTACT',
      hs_execution_state: 'FAIL_CONTINUE',
    });
    expect(blockedOutputFields('P1D')).toEqual({ hs_execution_state: 'BLOCK', hs_expiration_duration: 'P1D' });
  });
});

/**
 * What API Gateway answers by itself (throttling, Lambda failures) is an RFC 9457 problem
 * document, as the 429 and 5XX responses in openapi.yaml promise.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAfterviewApp } from '../../infra/afterview-app';
import { problemCodes } from '../../shared/errors';

interface GatewayResponse {
  Properties: {
    ResponseType: string;
    StatusCode?: string;
    ResponseParameters?: Record<string, string>;
    ResponseTemplates?: Record<string, string>;
  };
}

let responses: GatewayResponse[];

beforeAll(() => {
  const { stack } = createAfterviewApp({ code: 'placeholder', context: {} });
  const template = Template.fromStack(stack);
  responses = Object.values(
    template.findResources('AWS::ApiGateway::GatewayResponse') as Record<string, GatewayResponse>,
  );
}, 60_000);

describe('API Gateway responses', () => {
  it.each([
    ['THROTTLED', '429', 'rate_limited'],
    ['DEFAULT_5XX', '502', 'internal_error'],
  ])('%s answers %s with a %s problem document', (type, status, code) => {
    const response = responses.find((r) => r.Properties.ResponseType === type);
    expect(response?.Properties.StatusCode).toBe(status);
    expect(response?.Properties.ResponseParameters?.['gatewayresponse.header.Content-Type']).toBe(
      "'application/problem+json'",
    );
    const body = JSON.parse(response?.Properties.ResponseTemplates?.['application/json'] ?? '{}');
    expect(body).toMatchObject({ status: Number(status), code });
    expect(problemCodes).toContain(body.code);
  });
});

import { Hono } from 'hono';
import { HubSpotError, objectNotFound } from './errors';
import type { HubSpotEnv } from './http';

/**
 * Deal pipelines (https://developers.hubspot.com/docs/api-reference/legacy/crm/pipelines/guide). Every account has the
 * `default` sales pipeline with these internal stage ids; deals must name a pipeline and one of its stages.
 */
export interface PipelineStage {
  id: string;
  label: string;
  displayOrder: number;
  metadata: { isClosed: string; probability: string };
}

export interface Pipeline {
  id: string;
  label: string;
  displayOrder: number;
  stages: PipelineStage[];
  createdAt: string;
  updatedAt: string;
}

const stage = (id: string, label: string, displayOrder: number, probability: string, isClosed = false): PipelineStage => ({
  id,
  label,
  displayOrder,
  metadata: { isClosed: String(isClosed), probability },
});

export function defaultDealPipelines(now: Date): Pipeline[] {
  const at = now.toISOString();
  return [
    {
      id: 'default',
      label: 'Sales Pipeline',
      displayOrder: 0,
      createdAt: at,
      updatedAt: at,
      stages: [
        stage('appointmentscheduled', 'Appointment Scheduled', 0, '0.2'),
        stage('qualifiedtobuy', 'Qualified To Buy', 1, '0.4'),
        stage('presentationscheduled', 'Presentation Scheduled', 2, '0.6'),
        stage('decisionmakerboughtin', 'Decision Maker Bought-In', 3, '0.8'),
        stage('contractsent', 'Contract Sent', 4, '0.9'),
        stage('closedwon', 'Closed Won', 5, '1.0', true),
        stage('closedlost', 'Closed Lost', 6, '0.0', true),
      ],
    },
  ];
}

const toApiPipeline = (p: Pipeline) => ({
  id: p.id,
  label: p.label,
  displayOrder: p.displayOrder,
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
  archived: false,
  stages: p.stages.map((s) => ({ ...s, createdAt: p.createdAt, updatedAt: p.updatedAt, archived: false, writePermissions: 'CRM_PERMISSIONS_ENFORCEMENT' })),
});

/** `GET /crm/v3/pipelines/deals[/{pipelineId}]`: read-only; the app only needs to resolve stage ids. */
export function pipelineRoutes(): Hono<HubSpotEnv> {
  const app = new Hono<HubSpotEnv>();
  const requireDeals = (objectType: string) => {
    if (objectType !== 'deals' && objectType !== '0-3') {
      throw new HubSpotError(400, { message: `Pipelines are not supported for object type ${objectType} in this emulator`, category: 'VALIDATION_ERROR' });
    }
  };
  app.get('/crm/v3/pipelines/:objectType', (c) => {
    requireDeals(c.req.param('objectType'));
    c.get('auth').require(['crm.objects.deals.read']);
    return c.json({ results: [...c.get('core').state.pipelines.values()].map(toApiPipeline) });
  });
  app.get('/crm/v3/pipelines/:objectType/:pipelineId', (c) => {
    requireDeals(c.req.param('objectType'));
    c.get('auth').require(['crm.objects.deals.read']);
    const p = c.get('core').state.pipelines.get(c.req.param('pipelineId'));
    if (!p) throw objectNotFound(`Unable to find pipeline ${c.req.param('pipelineId')}`);
    return c.json(toApiPipeline(p));
  });
  return app;
}

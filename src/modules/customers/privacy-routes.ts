import type { App } from '../../platform/http/types.ts';
import { auditContextOf } from '../../platform/audit/writer.ts';
import { idParam, page } from '../../platform/http/schemas.ts';
import type { Services } from '../../services.ts';
import { customerDto, toCustomerDto } from './schemas.ts';
import {
  audienceItem,
  audienceQuery,
  consentBody,
  consentStateDto,
  customerExportDto,
  customerPatchBody,
  erasureDto,
  erasurePreviewDto,
  holdParams,
  legalHoldBody,
  legalHoldDto,
  restrictionBody,
} from './privacy-schemas.ts';

// Data-subject rights. Everyday care of a record (rectify, consent, restriction, the marketing
// audience) needs customers:manage; what exposes or destroys everything about a person (export,
// erasure and its preview, legal holds) needs customers:privacy, which only admins have.
export function customerPrivacyRoutes(app: App, { customers }: Pick<Services, 'customers'>): void {
  const tags = ['customers'];

  app.get(
    '/customers/marketing-audience',
    {
      config: { access: 'customers:manage', operation: 'customers.marketing_audience.list' },
      schema: {
        tags,
        description: 'Clientes a los que se puede enviar publicidad: con consentimiento, sin restricción u oposición y no borrados. Cada página queda auditada.',
        querystring: audienceQuery,
        response: { 200: page(audienceItem) },
      },
    },
    async (request) => customers.marketingAudience(request.query, auditContextOf(request)),
  );

  app.patch(
    '/customers/:id',
    {
      config: { access: 'customers:manage', operation: 'customers.customer.update' },
      schema: {
        tags,
        description: 'Rectificación: corrige datos personales. Los valores anteriores se guardan cifrados y solo la exportación (admin) los muestra.',
        params: idParam,
        body: customerPatchBody,
        response: { 200: customerDto },
      },
    },
    async (request) => toCustomerDto(await customers.rectify(request.params.id, request.body, auditContextOf(request))),
  );

  app.delete(
    '/customers/:id',
    {
      config: { access: 'customers:privacy', operation: 'customers.customer.erase' },
      schema: {
        tags,
        description:
          'Borrado por destrucción de la clave del cliente. Si una obligación legal exige conservar algo (retención fiscal, deuda, litigio), la respuesta dice qué se borró, qué se conserva, por qué y hasta cuándo.',
        params: idParam,
        response: { 200: erasureDto },
      },
    },
    async (request) => customers.erase(request.params.id, auditContextOf(request)),
  );

  app.get(
    '/customers/:id/erasure-preview',
    {
      config: { access: 'customers:privacy', operation: 'customers.erasure.preview' },
      schema: { tags, description: 'Lo que un borrado haría ahora, sin cambiar nada.', params: idParam, response: { 200: erasurePreviewDto } },
    },
    async (request) => customers.erasurePreview(request.params.id),
  );

  app.get(
    '/customers/:id/export',
    {
      config: { access: 'customers:privacy', operation: 'customers.customer.export' },
      schema: { tags, description: 'Todo lo que el sistema guarda sobre la persona, en JSON (acceso y portabilidad).', params: idParam, response: { 200: customerExportDto } },
    },
    async (request, reply) => {
      const doc = await customers.exportSubject(request.params.id, auditContextOf(request));
      reply.header('content-disposition', `attachment; filename="cliente-${request.params.id}.json"`);
      return doc;
    },
  );

  app.get(
    '/customers/:id/consent',
    {
      config: { access: 'customers:manage', operation: 'customers.consent.read' },
      schema: { tags, params: idParam, response: { 200: consentStateDto } },
    },
    async (request) => customers.consentState(request.params.id),
  );

  app.post(
    '/customers/:id/consent',
    {
      config: { access: 'customers:manage', operation: 'customers.consent.update' },
      schema: { tags, description: 'Da o retira el consentimiento de publicidad; queda en el historial.', params: idParam, body: consentBody, response: { 200: consentStateDto } },
    },
    async (request) => customers.setConsent(request.params.id, request.body, auditContextOf(request)),
  );

  app.post(
    '/customers/:id/restriction',
    {
      config: { access: 'customers:manage', operation: 'customers.restriction.update' },
      schema: {
        tags,
        description: 'Restricción u oposición: mientras esté activa la persona no aparece en ninguna lista de publicidad.',
        params: idParam,
        body: restrictionBody,
        response: { 200: consentStateDto },
      },
    },
    async (request) => customers.setRestriction(request.params.id, request.body, auditContextOf(request)),
  );

  app.post(
    '/customers/:id/legal-holds',
    {
      config: { access: 'customers:privacy', operation: 'customers.legal_hold.create' },
      schema: { tags, description: 'Retención legal (deuda, fiscal, litigio): limita lo que un borrado puede eliminar.', params: idParam, body: legalHoldBody, response: { 201: legalHoldDto } },
    },
    async (request, reply) => reply.code(201).send(await customers.addLegalHold(request.params.id, request.body, auditContextOf(request))),
  );

  app.delete(
    '/customers/:id/legal-holds/:hold_id',
    {
      config: { access: 'customers:privacy', operation: 'customers.legal_hold.release' },
      schema: { tags, params: holdParams, response: { 200: legalHoldDto } },
    },
    async (request) => customers.releaseLegalHold(request.params.id, request.params.hold_id, auditContextOf(request)),
  );
}



import type { FastifyRequest } from 'fastify';
import type { App } from '../../platform/http/types.ts';
import { requireIdentity } from '../../platform/http/context.ts';
import { roleHas } from '../../platform/http/permissions.ts';
import { page } from '../../platform/http/schemas.ts';
import { AppError } from '../../platform/http/errors.ts';
import { runIdempotent } from '../../platform/idempotency/http.ts';
import { auditContextOf } from '../../platform/audit/writer.ts';
import { pageOfList } from '../../platform/http/pagination.ts';
import type { Services } from '../../services.ts';
import { StockErrors } from './errors.ts';
import {
  countBody,
  countResponse,
  criticalQuery,
  criticalResponse,
  integrityResponse,
  levelDto,
  levelListQuery,
  movementBody,
  movementDto,
  movementListQuery,
  movementResponse,
  seasonSettingsDto,
  seasonSettingsSchema,
  toMovementDto,
} from './schemas.ts';
import { quantity, iso } from '../../platform/http/schemas.ts';
import type { SeasonSettings } from './seasons.ts';


function assertMayAdjust(request: FastifyRequest): void {
  if (!roleHas(requireIdentity(request).role, 'stock:adjust')) throw StockErrors.adjustForbidden();
}

export function stockRoutes(app: App, { stock, critical, idempotency }: Pick<Services, 'stock' | 'critical' | 'idempotency'>): void {
  const tags = ['stock'];

  app.post(
    '/stock/movements',
    {
      config: { access: 'stock:move', operation: 'stock.movement.create' },
      schema: {
        tags,
        description: 'Registra un movimiento. Requiere el encabezado Idempotency-Key (1–200 caracteres).',
        body: movementBody,
        response: { 201: movementResponse },
      },
    },
    async (request, reply) => {
      if (request.body.type === 'adjust') assertMayAdjust(request);
      const actor = requireIdentity(request).actor;
      const auditCtx = auditContextOf(request);
      return runIdempotent(idempotency, request, reply, async (claim, render) => {
        // The body of the committed attempt (a retried transaction runs the hook again).
        let body: ReturnType<typeof movementBodyOf> | undefined;
        const result = await stock.recordMovement(request.body, { actor, audit: auditCtx }, [
          async (tx, r) => {
            body = movementBodyOf(r);
            await idempotency.complete(tx, claim, 201, render(201, body));
          },
        ]);
        return { status: 201, body: body ?? movementBodyOf(result) };
      });
    },
  );

  app.get(
    '/stock/movements',
    {
      config: { access: 'catalog:read', operation: 'stock.movement.list' },
      schema: { tags, querystring: movementListQuery, response: { 200: page(movementDto) } },
    },
    async (request) => {
      const result = await stock.listMovements(request.query);
      return { items: result.items.map(toMovementDto), next_cursor: result.next_cursor };
    },
  );

  app.get(
    '/stock/levels',
    {
      config: { access: 'catalog:read', operation: 'stock.level.list' },
      schema: { tags, querystring: levelListQuery, response: { 200: page(levelDto) } },
    },
    async (request) => {
      const result = await stock.listLevels(request.query);
      return {
        items: result.items.map((l) => ({
          product_id: l.productId,
          location_id: l.locationId,
          on_hand: quantity(l.onHand),
          updated_at: iso(l.updatedAt),
        })),
        next_cursor: result.next_cursor,
      };
    },
  );

  app.get(
    '/stock/critical',
    {
      config: { access: 'catalog:read', operation: 'stock.critical.list' },
      schema: { tags, querystring: criticalQuery, response: { 200: criticalResponse } },
    },
    async (request) => {
      // The list is computed whole (a few thousand products at most) and served in pages.
      const { date, season, items } = await critical.criticalList(request.query.date);
      return { date, season, ...pageOfList(items, request.query.limit, request.query.cursor) };
    },
  );

  app.post(
    '/stock/counts',
    {
      config: { access: 'stock:adjust', operation: 'stock.count.create' },
      schema: { tags, body: countBody, response: { 201: countResponse } },
    },
    async (request, reply) => {
      const actor = requireIdentity(request).actor;
      const auditCtx = auditContextOf(request);
      return runIdempotent(idempotency, request, reply, async (claim, render) => {
        const toBody = (r: Awaited<ReturnType<typeof stock.recordCount>>) => ({
          location_id: r.locationId,
          lines_counted: r.linesCounted,
          unchanged: r.unchanged,
          movements: r.movements.map(toMovementDto),
        });
        const result = await stock.recordCount(request.body, { actor, audit: auditCtx }, [
          async (tx, r) => idempotency.complete(tx, claim, 201, render(201, toBody(r))),
        ]);
        return { status: 201, body: toBody(result) };
      });
    },
  );

  app.get(
    '/stock/integrity',
    {
      config: { access: 'catalog:read', operation: 'stock.integrity.check' },
      schema: { tags, response: { 200: integrityResponse } },
    },
    async () => stock.integrity(),
  );

  app.get(
    '/stock/season-factors',
    {
      config: { access: 'catalog:read', operation: 'stock.season_factors.get' },
      schema: { tags, response: { 200: seasonSettingsDto } },
    },
    async () => critical.getSeasonSettings(),
  );

  app.put(
    '/stock/season-factors',
    {
      config: { access: 'catalog:write', operation: 'stock.season_factors.update' },
      schema: { tags, body: seasonSettingsSchema, response: { 200: seasonSettingsDto } },
    },
    async (request) => {
      if (!request.body) throw new AppError(400, 'validation.failed', 'Falta el cuerpo.');
      return critical.putSeasonSettings(request.body as SeasonSettings, auditContextOf(request));
    },
  );
}

function movementBodyOf(r: { movement: Parameters<typeof toMovementDto>[0]; counterpart?: Parameters<typeof toMovementDto>[0] }) {
  return r.counterpart
    ? { movement: toMovementDto(r.movement), counterpart: toMovementDto(r.counterpart) }
    : { movement: toMovementDto(r.movement) };
}

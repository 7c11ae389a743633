import { z } from 'zod';
import type { App } from '../../platform/http/types.ts';
import { idParam, page, paginationQuery } from '../../platform/http/schemas.ts';
import { auditContextOf } from '../../platform/audit/writer.ts';
import type { Services } from '../../services.ts';
import {
  locationCreateBody,
  locationDto,
  productCreateBody,
  productDto,
  productListQuery,
  productUpdateBody,
  supplierCreateBody,
  supplierDto,
  supplierListQuery,
  supplierUpdateBody,
  toLocationDto,
  toProductDto,
  toSupplierDto,
} from './schemas.ts';

export function catalogRoutes(app: App, { catalog }: Pick<Services, 'catalog'>): void {
  const tags = ['catalog'];

  app.post(
    '/products',
    {
      config: { access: 'catalog:write', operation: 'catalog.product.create' },
      schema: { tags, body: productCreateBody, response: { 201: productDto } },
    },
    async (request, reply) => reply.code(201).send(toProductDto(await catalog.createProduct(request.body, auditContextOf(request)))),
  );

  app.get(
    '/products',
    {
      config: { access: 'catalog:read', operation: 'catalog.product.list' },
      schema: { tags, querystring: productListQuery, response: { 200: page(productDto) } },
    },
    async (request) => {
      const result = await catalog.listProducts(request.query);
      return { items: result.items.map(toProductDto), next_cursor: result.next_cursor };
    },
  );

  app.get(
    '/products/:id',
    {
      config: { access: 'catalog:read', operation: 'catalog.product.get' },
      schema: { tags, params: idParam, response: { 200: productDto } },
    },
    async (request) => toProductDto(await catalog.getProduct(request.params.id)),
  );

  app.patch(
    '/products/:id',
    {
      config: { access: 'catalog:write', operation: 'catalog.product.update' },
      schema: { tags, params: idParam, body: productUpdateBody, response: { 200: productDto } },
    },
    async (request) => toProductDto(await catalog.updateProduct(request.params.id, request.body, auditContextOf(request))),
  );

  app.delete(
    '/products/:id',
    {
      config: { access: 'catalog:write', operation: 'catalog.product.archive' },
      schema: { tags, params: idParam, response: { 200: productDto } },
    },
    async (request) => toProductDto(await catalog.archiveProduct(request.params.id, auditContextOf(request))),
  );

  app.post(
    '/suppliers',
    {
      config: { access: 'catalog:write', operation: 'catalog.supplier.create' },
      schema: { tags, body: supplierCreateBody, response: { 201: supplierDto } },
    },
    async (request, reply) => reply.code(201).send(toSupplierDto(await catalog.createSupplier(request.body, auditContextOf(request)))),
  );

  app.get(
    '/suppliers',
    {
      config: { access: 'catalog:read', operation: 'catalog.supplier.list' },
      schema: { tags, querystring: supplierListQuery, response: { 200: page(supplierDto) } },
    },
    async (request) => {
      const result = await catalog.listSuppliers(request.query);
      return { items: result.items.map(toSupplierDto), next_cursor: result.next_cursor };
    },
  );

  app.get(
    '/suppliers/:id',
    {
      config: { access: 'catalog:read', operation: 'catalog.supplier.get' },
      schema: { tags, params: idParam, response: { 200: supplierDto } },
    },
    async (request) => toSupplierDto(await catalog.getSupplier(request.params.id)),
  );

  app.patch(
    '/suppliers/:id',
    {
      config: { access: 'catalog:write', operation: 'catalog.supplier.update' },
      schema: { tags, params: idParam, body: supplierUpdateBody, response: { 200: supplierDto } },
    },
    async (request) => toSupplierDto(await catalog.updateSupplier(request.params.id, request.body, auditContextOf(request))),
  );

  app.post(
    '/locations',
    {
      config: { access: 'catalog:write', operation: 'catalog.location.create' },
      schema: { tags, body: locationCreateBody, response: { 201: locationDto } },
    },
    async (request, reply) => reply.code(201).send(toLocationDto(await catalog.createLocation(request.body, auditContextOf(request)))),
  );

  app.get(
    '/locations',
    {
      config: { access: 'catalog:read', operation: 'catalog.location.list' },
      schema: { tags, querystring: z.object(paginationQuery), response: { 200: page(locationDto) } },
    },
    async (request) => {
      const result = await catalog.listLocations(request.query);
      return { items: result.items.map(toLocationDto), next_cursor: result.next_cursor };
    },
  );
}

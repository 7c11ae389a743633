// The OpenAPI 3.1 document is generated from the same zod schemas the routes validate with.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from './types.ts';

export async function registerOpenApi(app: App): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'inventario-retail API',
        version: '1',
        description: 'Inventario para comercios minoristas argentinos. Errores en formato RFC 9457 (application/problem+json).',
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'API key como token Bearer' },
          apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        },
      },
      security: [{ bearerAuth: [] }, { apiKeyHeader: [] }],
    },
    transform: jsonSchemaTransform,
  });
  // The docs UI and its assets are public; they get their access declaration here because the
  // plugin registers them itself.
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/docs')) route.config = { ...route.config, access: 'public', operation: 'system.docs' };
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    // swagger-ui ships its own inline-free initializer; the plugin adds hashes for its CSP.
    staticCSP: true,
    uiConfig: { deepLinking: false, tryItOutEnabled: true },
  });

  app.get(
    '/openapi.json',
    {
      config: { access: 'public', operation: 'system.openapi' },
      schema: { hide: true, response: { 200: z.looseObject({ openapi: z.string() }) } },
    },
    async () => app.swagger() as unknown as { openapi: string },
  );
}

// Dashboard accounts, admin only (API.md "Audit and identity"). Responses never carry a hash.
import { z } from 'zod';
import type { App } from '../../platform/http/types.ts';
import { auditContextOf } from '../../platform/audit/writer.ts';
import { idParam, page, paginationQuery } from '../../platform/http/schemas.ts';
import type { UsersService } from './users-service.ts';
import { createUserBody, toUserDto, updateUserBody, userDto } from './users-schemas.ts';

export function usersRoutes(app: App, { users }: { users: UsersService }): void {
  app.post(
    '/users',
    {
      config: { access: 'admin', operation: 'identity.user.create' },
      schema: { tags: ['identity'], body: createUserBody, response: { 201: userDto } },
    },
    async (request, reply) => {
      const { username, password, role, email } = request.body;
      const row = await users.createUser({ username, password, role, email }, auditContextOf(request));
      return reply.code(201).send(toUserDto(row));
    },
  );

  app.get(
    '/users',
    {
      config: { access: 'admin', operation: 'identity.user.list' },
      schema: { tags: ['identity'], querystring: z.object(paginationQuery), response: { 200: page(userDto) } },
    },
    async (request) => {
      const result = await users.listUsers(request.query.limit, request.query.cursor);
      return { items: result.items.map(toUserDto), next_cursor: result.next_cursor };
    },
  );

  app.get(
    '/users/:id',
    {
      config: { access: 'admin', operation: 'identity.user.get' },
      schema: { tags: ['identity'], params: idParam, response: { 200: userDto } },
    },
    async (request) => toUserDto(await users.getUser(request.params.id)),
  );

  app.patch(
    '/users/:id',
    {
      config: { access: 'admin', operation: 'identity.user.update' },
      schema: {
        tags: ['identity'],
        description: 'Cambia email, habilitación, contraseña (restablecimiento) o rol. Ningún otro campo es modificable.',
        params: idParam,
        body: updateUserBody,
        response: { 200: userDto },
      },
    },
    async (request) => {
      const { email, disabled, password, role } = request.body;
      return toUserDto(await users.updateUser(request.params.id, { email, disabled, password, role }, auditContextOf(request)));
    },
  );
}

import type { Command } from 'commander';
import { isRole, ROLES } from '../platform/http/permissions.ts';
import { toApiKeyDto } from '../modules/identity/schemas.ts';
import { withDatabase } from './context.ts';
import { fail, printResult, wantsJson } from './output.ts';

export function registerApiKeyCommands(program: Command): void {
  const keys = program.command('api-keys').description('Create, list and revoke API keys');

  keys
    .command('create')
    .description('Create an API key and print it alone on stdout (it is shown only once)')
    .requiredOption('--name <name>', 'a label for the key, e.g. "caja-1"')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--expires-at <iso>', 'expiry instant, RFC 3339 (e.g. 2027-01-01T00:00:00Z)')
    .option('--json', 'print the key and its metadata as JSON')
    .action(async (opts: { name: string; role: string; expiresAt?: string; json?: boolean }) => {
      if (!isRole(opts.role)) fail(`--role must be one of ${ROLES.join(', ')}`, 2);
      const expiresAt = opts.expiresAt ? new Date(opts.expiresAt) : null;
      if (expiresAt && Number.isNaN(expiresAt.getTime())) fail('--expires-at is not a valid date', 2);
      if (!opts.name.trim()) fail('--name must not be empty', 2);
      await withDatabase('api-keys', async ({ services }) => {
        const { row, key } = await services.identity.createApiKey({
          name: opts.name.trim(),
          role: opts.role as (typeof ROLES)[number],
          expiresAt,
          createdBy: 'cli',
        });
        // The key alone on stdout, so `KEY=$(inventario api-keys create ...)` works.
        process.stdout.write(opts.json ? `${JSON.stringify({ ...toApiKeyDto(row), key })}\n` : `${key}\n`);
      });
    });

  keys
    .command('list')
    .description('List API keys (never their secrets)')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      await withDatabase('api-keys', async ({ services }) => {
        const items = [];
        let cursor: string | undefined;
        do {
          const pageResult = await services.identity.listApiKeys(500, cursor);
          items.push(...pageResult.items.map(toApiKeyDto));
          cursor = pageResult.next_cursor ?? undefined;
        } while (cursor);
        if (wantsJson(opts)) {
          process.stdout.write(`${JSON.stringify({ items })}\n`);
          return;
        }
        const lines = items.map((k) => {
          const state = k.revoked_at ? 'revocada' : k.expires_at && new Date(k.expires_at) < new Date() ? 'vencida' : 'activa';
          return `${k.id}  ${k.prefix}…  ${k.role.padEnd(8)} ${state.padEnd(9)} ${k.name}`;
        });
        process.stdout.write(`${lines.join('\n') || 'No hay claves.'}\n`);
      });
    });

  keys
    .command('revoke')
    .description('Revoke an API key at once')
    .argument('<id>', 'the key id (see `api-keys list`)')
    .option('--json', 'machine-readable output')
    .action(async (id: string, opts: { json?: boolean }) => {
      if (!/^[0-9a-f-]{36}$/i.test(id)) fail('the id must be a UUID (see `api-keys list`)', 2);
      await withDatabase('api-keys', async ({ services }) => {
        try {
          const row = await services.identity.revokeApiKey(id);
          printResult(opts, { revoked: toApiKeyDto(row) }, `Clave ${row.prefix}… (${row.name}) revocada.`);
        } catch {
          fail(`no API key with id ${id}`);
        }
      });
    });
}

// Dashboard accounts: creation, listing and admin changes (email, disabling, password reset,
// role). A user's own password change lives with the other credential checks in
// sessions-service.ts. Every change writes its audit event in the same transaction; details name
// what changed, never a password, a hash or an email address.
import { uuidv7 } from 'uuidv7';
import type { Database, Queryable } from '../../platform/db/types.ts';
import { SYSTEM_CONTEXT, type AuditContext, type AuditWriter } from '../../platform/audit/writer.ts';
import { wipe, type CryptoService } from '../../platform/crypto/service.ts';
import { decodeCursor, pageOf } from '../../platform/http/pagination.ts';
import type { Role } from '../../platform/http/permissions.ts';
import { createUsersRepo, type UserChanges, type UserRow } from './users-repo.ts';
import { createSessionsRepo } from './sessions-repo.ts';
import { UserErrors } from './users-errors.ts';
import { passwordProblems } from './password-policy.ts';
import { hashPassword } from './users-password.ts';

export interface CreateUserInput {
  username: string;
  password: string;
  role: Role;
  email?: string | null | undefined;
}

export interface UpdateUserInput {
  email?: string | null | undefined;
  disabled?: boolean | undefined;
  password?: string | undefined;
  role?: Role | undefined;
}

/** A user as the API shows it: the row plus its decrypted email. */
export interface UserView {
  row: UserRow;
  email: string | null;
}

type EmailSealer = Pick<CryptoService, 'ready' | 'createDataKey' | 'openDataKey' | 'sealField' | 'openField'>;

const emailField = (userId: string) => ({ table: 'users', recordId: userId, field: 'email' });

export function createUsersService(database: Database, deps: { audit: AuditWriter; crypto: EmailSealer; passwordMinLength: number }) {
  const { audit, crypto, passwordMinLength } = deps;

  function assertPasswordAcceptable(password: string, user: { username: string; email?: string | null | undefined }, path: string): void {
    const problems = passwordProblems(password, { username: user.username, email: user.email, minLength: passwordMinLength });
    if (problems.length > 0) throw UserErrors.weakPassword(path, problems);
  }

  /** Seals an email under the user's data key, creating the key the first time. */
  async function sealEmail(tx: Queryable, userId: string, dataKeyId: string | null, email: string) {
    const dek = dataKeyId ? await crypto.openDataKey(tx, dataKeyId) : await crypto.createDataKey(tx, `user:${userId}`);
    try {
      return { dataKeyId: dek.id, sealed: crypto.sealField(dek, emailField(userId), email) };
    } finally {
      wipe(dek.key);
    }
  }

  async function emailOf(row: UserRow): Promise<string | null> {
    if (!row.emailSealed || !row.dataKeyId) return null;
    const dek = await crypto.openDataKey(database.db, row.dataKeyId);
    try {
      return crypto.openField(dek, emailField(row.id), row.emailSealed);
    } finally {
      wipe(dek.key);
    }
  }

  const view = async (row: UserRow): Promise<UserView> => ({ row, email: await emailOf(row) });

  return {
    emailOf,

    /** Checks the policy without creating anything (the CLI validates before it asks twice). */
    checkPassword(password: string, user: { username: string; email?: string | null | undefined }, path = 'password'): void {
      assertPasswordAcceptable(password, user, path);
    },

    async createUser(input: CreateUserInput, ctx: AuditContext = SYSTEM_CONTEXT): Promise<UserView> {
      assertPasswordAcceptable(input.password, input, 'password');
      if (await createUsersRepo(database.db).findByUsername(input.username)) throw UserErrors.usernameTaken();
      // Hash before the transaction: 40 ms of CPU should not hold a connection or a lock.
      const passwordHash = await hashPassword(input.password);
      const id = uuidv7();
      // Load the keys before the transaction: on the embedded engine (one connection) loading them
      // from inside it would wait for the transaction forever.
      if (input.email) await crypto.ready();
      const row = await database.transaction(async (tx) => {
        const email = input.email ? await sealEmail(tx, id, null, input.email) : null;
        const created = await createUsersRepo(tx).insert({
          id,
          username: input.username,
          role: input.role,
          passwordHash,
          dataKeyId: email?.dataKeyId ?? null,
          emailSealed: email?.sealed ?? null,
          createdBy: ctx.actor,
        });
        await audit.record(tx, ctx, {
          action: 'identity.user.create',
          resource: `user:${id}`,
          outcome: 'success',
          details: { username: created.username, role: created.role, has_email: email !== null },
        });
        return created;
      });
      return { row, email: input.email ?? null };
    },

    async listUsers(limit: number, cursor: string | undefined) {
      const after = decodeCursor(cursor, 1)?.[0];
      const rows = await createUsersRepo(database.db).list(limit, after);
      const result = pageOf(rows, limit, (r) => [r.id]);
      return { items: await Promise.all(result.items.map(view)), next_cursor: result.next_cursor };
    },

    async getUser(id: string): Promise<UserView> {
      const row = await createUsersRepo(database.db).findById(id);
      if (!row) throw UserErrors.notFound();
      return view(row);
    },

    /**
     * Admin changes. A role change is a privilege change and gets its own audit event; a password
     * reset or disabling ends every session of the user at once.
     */
    async updateUser(id: string, input: UpdateUserInput, ctx: AuditContext = SYSTEM_CONTEXT): Promise<UserView> {
      const current = await createUsersRepo(database.db).findById(id);
      if (!current) throw UserErrors.notFound();
      if (input.password !== undefined) {
        const email = input.email === undefined ? await emailOf(current) : input.email;
        assertPasswordAcceptable(input.password, { username: current.username, email }, 'password');
      }
      const passwordHash = input.password !== undefined ? await hashPassword(input.password) : undefined;
      if (input.email) await crypto.ready();

      const row = await database.transaction(async (tx) => {
        const users = createUsersRepo(tx);
        const before = await users.findByIdForUpdate(id);
        if (!before) throw UserErrors.notFound();
        const changes: UserChanges = {};
        const changed: string[] = [];
        if (input.email !== undefined) {
          changes.email = input.email === null ? null : await sealEmail(tx, id, before.dataKeyId, input.email);
          changed.push('email');
        }
        if (input.disabled !== undefined && input.disabled !== (before.disabledAt !== null)) {
          changes.disabled = input.disabled;
          changed.push('disabled');
        }
        if (passwordHash !== undefined) changes.passwordHash = passwordHash;
        const roleChanged = input.role !== undefined && input.role !== before.role;
        if (roleChanged) changes.role = input.role;
        const after = Object.keys(changes).length > 0 ? await users.update(id, changes) : before;

        const resource = `user:${id}`;
        let sessionsEnded = 0;
        if (passwordHash !== undefined || changes.disabled === true) sessionsEnded = await createSessionsRepo(tx).deleteForUser(id);
        if (changed.length > 0) {
          const action = changes.disabled === true ? 'identity.user.disable' : changes.disabled === false ? 'identity.user.enable' : 'identity.user.update';
          await audit.record(tx, ctx, {
            action,
            resource,
            outcome: 'success',
            details: { username: after.username, fields: changed, ...(changes.disabled === true ? { sessions_ended: sessionsEnded } : {}) },
          });
        }
        if (roleChanged) {
          await audit.record(tx, ctx, {
            action: 'identity.user.role_change',
            resource,
            outcome: 'success',
            details: { username: after.username, from: before.role, to: after.role },
          });
        }
        if (passwordHash !== undefined) {
          await audit.record(tx, ctx, {
            action: 'identity.user.password_change',
            resource,
            outcome: 'success',
            details: { username: after.username, by: 'admin', sessions_ended: sessionsEnded },
          });
        }
        return after;
      });
      return view(row);
    },
  };
}

export type UsersService = ReturnType<typeof createUsersService>;

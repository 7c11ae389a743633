// `inventario users create|list`: dashboard accounts from the command line. The password is read
// from stdin when piped, or asked twice at the terminal without echo; never from argv, where it
// would end up in shell history and in `ps` for every local user to see.
import { Option, type Command } from 'commander';
import { isRole, ROLES, type Role } from '../platform/http/permissions.ts';
import { AppError } from '../platform/http/errors.ts';
import { passwordProblems } from '../modules/identity/password-policy.ts';
import { createUserBody, toUserDto, usernameSchema } from '../modules/identity/users-schemas.ts';
import { configOrExit, withDatabase } from './context.ts';
import { fail, printResult, wantsJson } from './output.ts';

const MAX_STDIN_BYTES = 4096;

interface CreateOptions {
  username: string;
  role: string;
  email?: string;
  password?: string;
  json?: boolean;
}

async function readPipedPassword(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) {
    text += String(chunk);
    if (text.length > MAX_STDIN_BYTES) fail('stdin is too long for a password', 2);
  }
  // The first line is the password (printf '%s\n' "$PASS" | ...), without its line ending.
  return text.split(/\r?\n/)[0] ?? '';
}

/** Reads one line from the terminal without echoing it; the prompt goes to stderr. */
function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  return new Promise((resolve) => {
    let value = '';
    const finish = (exitCode?: number) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (exitCode !== undefined) process.exit(exitCode);
      resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish();
        if (ch === '\u0003') return finish(130); // Ctrl-C
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else if (ch >= ' ') value += ch;
      }
    };
    process.stderr.write(question);
    stdin.setRawMode(true);
    stdin.setEncoding('utf8');
    stdin.resume();
    stdin.on('data', onData);
  });
}

function failOnPolicy(password: string, context: { username: string; email?: string | undefined }, minLength: number): void {
  const problems = passwordProblems(password, { ...context, minLength });
  if (problems.length > 0) fail(`password: la contraseña ${problems.join('; ')}`, 2);
}

async function readPassword(context: { username: string; email?: string | undefined }, minLength: number): Promise<string> {
  if (!process.stdin.isTTY) {
    const password = await readPipedPassword();
    if (!password) fail('no password on stdin: pipe it (printf \'%s\\n\' "$PASS" | inventario users create ...) or run this in a terminal to be asked', 2);
    return password;
  }
  const first = await promptHidden('Contraseña: ');
  // Refuse a weak password before asking for it again.
  failOnPolicy(first, context, minLength);
  const second = await promptHidden('Repita la contraseña: ');
  if (first !== second) fail('the two passwords do not match', 2);
  return first;
}

export function registerUserCommands(program: Command): void {
  const users = program.command('users').description('Create and list dashboard accounts');

  users
    .command('create')
    .description('Create a dashboard account. The password is read from stdin when piped, or asked twice without echo; never from the command line')
    .requiredOption('--username <name>', 'login name: letters, digits, ".", "-", "_" (stored lower-cased)')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--email <email>', 'contact address (stored encrypted)')
    .option('--json', 'print the created user as JSON')
    // Declared only to refuse it with a clear message instead of "unknown option".
    .addOption(new Option('--password <password>').hideHelp())
    .action(async (opts: CreateOptions) => {
      if (opts.password !== undefined) {
        fail('passwords are never taken from the command line (shell history, ps); pipe it on stdin or type it at the prompt', 2);
      }
      const username = usernameSchema.safeParse(opts.username);
      if (!username.success) fail(`--username: ${username.error.issues[0]?.message ?? 'is not valid'}`, 2);
      if (!isRole(opts.role)) fail(`--role must be one of ${ROLES.join(', ')}`, 2);
      const email = opts.email === undefined ? undefined : createUserBody.shape.email.safeParse(opts.email);
      if (email && !email.success) fail(`--email: ${email.error.issues[0]?.message ?? 'is not valid'}`, 2);
      const config = configOrExit();
      const context = { username: username.data, email: email?.data ?? undefined };
      const password = await readPassword(context, config.passwordMinLength);
      failOnPolicy(password, context, config.passwordMinLength);

      await withDatabase('users', async ({ services }) => {
        try {
          const created = await services.users.createUser(
            { username: username.data, password, role: opts.role as Role, email: email?.data ?? null },
            { actor: 'system:cli', ip: null, requestId: null },
          );
          const dto = toUserDto(created);
          printResult(opts, dto, `Usuario ${dto.username} (${dto.role}) creado con id ${dto.id}.`);
        } catch (err) {
          if (err instanceof AppError && err.status === 400) {
            fail((err.errors ?? []).map((e) => `${e.path}: ${e.message}`).join('; ') || err.detail, 2);
          }
          if (err instanceof AppError && err.status === 409) fail(`a user named ${username.data} already exists`);
          throw err;
        }
      });
    });

  users
    .command('list')
    .description('List dashboard accounts (never their password hashes)')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      await withDatabase('users', async ({ services }) => {
        const items = [];
        let cursor: string | undefined;
        do {
          const result = await services.users.listUsers(500, cursor);
          items.push(...result.items.map(toUserDto));
          cursor = result.next_cursor ?? undefined;
        } while (cursor);
        if (wantsJson(opts)) {
          process.stdout.write(`${JSON.stringify({ items })}\n`);
          return;
        }
        const lines = items.map((u) => `${u.id}  ${u.role.padEnd(8)} ${(u.disabled ? 'deshabilitado' : 'activo').padEnd(13)} ${u.username}`);
        process.stdout.write(`${lines.join('\n') || 'No hay usuarios.'}\n`);
      });
    });
}

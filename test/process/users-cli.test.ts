// `inventario users create|list` as people and scripts run them: real processes, the password on
// stdin (never in argv), the same policy as the API, and the account working on a real server.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killAllChildren, linesOf, migratedDataDir, newBootstrapKey, removeTempDirs, REPO_ROOT, startServer } from './helpers.ts';

const PASSWORD = 'Alfajor-De-Maicena-Y-Coco-42';

const children = new Set<ChildProcess>();
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await killAllChildren();
  removeTempDirs();
});

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment helpers.ts gives its children: none of the developer's configuration. */
function childEnv(overrides: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(INVENTARIO_|DATABASE_URL|DB_|REDIS_|TLS_|TRUST_PROXY|PORT|HOST|SESSION_|PASSWORD_|LOGIN_|RATE_LIMIT_)/.test(name)) continue;
    env[name] = value;
  }
  return { ...env, LOG_LEVEL: 'info', ...overrides };
}

/** Runs the CLI with `input` piped to its stdin (bounded). */
function runCli(args: string[], input: string, env: Record<string, string>, timeoutMs = 120_000): Promise<Result> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: REPO_ROOT,
    env: childEnv(env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  // A command that exits before reading stdin closes the pipe; that is not the test's failure.
  child.stdin.on('error', () => undefined);
  child.stdin.end(input);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`inventario ${args.join(' ')} did not exit within ${timeoutMs} ms\nstderr: ${stderr}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('inventario users', () => {
  let dataDir: string;
  const cli = (args: string[], input = '') => runCli(args, input, { INVENTARIO_DATA_DIR: dataDir });
  const usernames = async (): Promise<string[]> => {
    const res = await cli(['users', 'list', '--json']);
    expect(res.code, res.stderr).toBe(0);
    return (JSON.parse(res.stdout) as { items: { username: string }[] }).items.map((u) => u.username);
  };

  beforeAll(() => {
    dataDir = migratedDataDir('users-cli');
  });

  it('creates a user with the password read from stdin and prints it as one JSON line', async () => {
    const res = await cli(['users', 'create', '--username', 'Encargada', '--role', 'manager', '--email', 'encargada@kiosco.com.ar'], `${PASSWORD}\n`);
    expect(res.code, res.stderr).toBe(0);
    expect(linesOf(res.stdout)).toHaveLength(1);
    const user = JSON.parse(res.stdout);
    expect(user).toMatchObject({ id: expect.any(String), username: 'encargada', role: 'manager', email: 'encargada@kiosco.com.ar', created_by: 'system:cli' });
    expect(res.stdout + res.stderr).not.toContain(PASSWORD);
    expect(res.stdout).not.toContain('$argon2');

    const list = await cli(['users', 'list', '--json']);
    expect(JSON.parse(list.stdout).items).toEqual([expect.objectContaining({ id: user.id, username: 'encargada' })]);
    expect(list.stdout).not.toContain('$argon2');
  });

  it('refuses a password given on the command line with exit 2 and one line, creating nothing', async () => {
    for (const args of [
      ['users', 'create', '--username', 'enargv', '--role', 'clerk', '--password', PASSWORD],
      ['users', 'create', '--username', 'enargv', '--role', 'clerk', `--password=${PASSWORD}`],
    ]) {
      const res = await cli(args, `${PASSWORD}\n`);
      expect(res.code).toBe(2);
      expect(res.stdout).toBe('');
      expect(linesOf(res.stderr)).toHaveLength(1);
      expect(res.stderr).toMatch(/never taken from the command line/);
      expect(res.stderr).not.toContain(PASSWORD);
    }
    const help = await cli(['users', 'create', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('stdin');
    expect(help.stdout).not.toContain('--password');
    expect(await usernames()).not.toContain('enargv');
  });

  it.each([
    ['a common password', 'contraseña2024\n', /password: .*común/],
    ['a short password', 'Mate-1\n', /password: .*al menos 12 caracteres/],
    ['a password containing the username', 'Soy-Repositor-Del-Turno\n', /password: .*nombre de usuario/],
    ['nothing', '', /no password on stdin/],
  ])('refuses %s on stdin with the API\'s policy message and exit 2', async (_label, input, message) => {
    const res = await cli(['users', 'create', '--username', 'repositor', '--role', 'clerk'], input);
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(linesOf(res.stderr)).toHaveLength(1);
    expect(res.stderr).toMatch(message);
  });

  it('refuses a bad role or username with exit 2, and a taken username with exit 1', async () => {
    const role = await cli(['users', 'create', '--username', 'otro', '--role', 'jefe'], `${PASSWORD}\n`);
    expect(role.code).toBe(2);
    expect(role.stderr).toContain('--role');
    const name = await cli(['users', 'create', '--username', 'con espacio', '--role', 'clerk'], `${PASSWORD}\n`);
    expect(name.code).toBe(2);
    expect(name.stderr).toContain('--username');
    const taken = await cli(['users', 'create', '--username', 'ENCARGADA', '--role', 'clerk'], `${PASSWORD}\n`);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('already exists');
    expect(await usernames()).toEqual(['encargada']);
  });

  it('the created account signs in to the real server with its role and a session cookie', async () => {
    const server = await startServer({ dataDir, bootstrapKey: newBootstrapKey() });
    try {
      const res = await server.request('POST', '/api/v1/auth/login', { body: { username: 'encargada', password: PASSWORD } });
      expect(res.status, res.text).toBe(200);
      expect(res.json()).toMatchObject({ csrf_token: expect.any(String), user: { username: 'encargada', role: 'manager' } });
      const cookie = res.headers.get('set-cookie') ?? '';
      expect(cookie).toMatch(/^inventario_session=[A-Za-z0-9_-]{43};/);
      expect(cookie).toMatch(/HttpOnly/);
      const me = await server.request('GET', '/api/v1/me', { headers: { cookie: cookie.split(';')[0]! } });
      expect(me.json()).toMatchObject({ kind: 'session', name: 'encargada', role: 'manager' });
    } finally {
      expect(await server.stop()).toEqual({ code: 0, signal: null });
    }
    expect(server.stdout() + server.stderr()).not.toContain(PASSWORD);
  });
});

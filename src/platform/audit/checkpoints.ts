// Signed checkpoints of the chain head, kept outside the database: JSON files in
// $INVENTARIO_DATA_DIR/audit-checkpoints (dir 0700, files 0600) and, when configured, POSTed to
// AUDIT_CHECKPOINT_WEBHOOK_URL. Whoever rewrites the database (even a superuser who disables the
// triggers and recomputes every hash) cannot make the recomputed chain match a head signed before.
//
// The Ed25519 key comes from a 32-byte seed. The seam: the composition root passes
// `seed: () => crypto.deriveKey('audit.checkpoint.ed25519', 32)` (WP1's key service: the same key on
// every instance and across master key rotations). Without one, a random seed file in the data
// directory is used, created on first need (per instance; fine for a single shop).
import { createPrivateKey, createPublicKey, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { canonicalJson } from './canonical.ts';
import type { ChainHead } from './sealer.ts';

export const CHECKPOINT_DIR_NAME = 'audit-checkpoints';
export const FALLBACK_SEED_FILE = 'audit-checkpoint-seed';
// PKCS#8 header of an Ed25519 private key; the 32-byte seed follows.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
// Every checkpoint file of the last KEEP_NEWEST, plus the first of each UTC day, forever.
const KEEP_NEWEST = 1000;

export const checkpointSchema = z.object({
  version: z.literal(1),
  seal_position: z.number().int().positive(),
  event_seq: z.number().int().positive(),
  head_hash: z.string().regex(/^[0-9a-f]{64}$/),
  at: z.iso.datetime(),
  public_key: z.string().min(1),
  signature: z.string().min(1),
});
export type Checkpoint = z.infer<typeof checkpointSchema>;

export interface StoredCheckpoint {
  file: string;
  checkpoint?: Checkpoint;
  /** Set when the file could not be read or parsed: itself a sign of tampering. */
  error?: string;
}

export type SeedProvider = () => Buffer | Promise<Buffer>;

/** The seed from a 0600 file in the data directory, created with random bytes when missing. */
export function fileSeedProvider(dataDir: string): SeedProvider {
  return () => {
    const file = path.join(dataDir, FALLBACK_SEED_FILE);
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    try {
      fs.writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { flag: 'wx', mode: 0o600 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const seed = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
    if (seed.length !== 32) throw new Error(`${file} does not hold a 32-byte base64 seed`);
    return seed;
  };
}

interface Signer {
  privateKey: KeyObject;
  publicKey: string;
}

function signerFrom(seed: Buffer): Signer {
  if (seed.length !== 32) throw new Error('the checkpoint signing seed must be 32 bytes');
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  return { privateKey, publicKey: Buffer.from(String(jwk.x), 'base64url').toString('base64') };
}

/** The bytes the signature covers. */
export function signedPayload(c: Pick<Checkpoint, 'seal_position' | 'event_seq' | 'head_hash' | 'at'>): Buffer {
  return Buffer.from(canonicalJson({ seal_position: c.seal_position, event_seq: c.event_seq, head_hash: c.head_hash, at: c.at }));
}

export function signatureValid(c: Checkpoint): boolean {
  try {
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(c.public_key, 'base64').toString('base64url') }, format: 'jwk' });
    return verify(null, signedPayload(c), key, Buffer.from(c.signature, 'base64'));
  } catch {
    return false;
  }
}

function fileNameFor(c: Checkpoint): string {
  return `checkpoint-${String(c.seal_position).padStart(15, '0')}-${c.at.replace(/[-:.]/g, '')}.json`;
}

export interface CheckpointStore {
  readonly dir: string;
  /** Signs and writes a checkpoint of `head`; returns it. */
  write(head: ChainHead, now?: Date): Promise<Checkpoint>;
  /** Every checkpoint file, oldest position first. */
  list(): StoredCheckpoint[];
  /** The public key checkpoints of this installation are signed with (base64 raw Ed25519). */
  publicKey(): Promise<string>;
}

export function createCheckpointStore(options: { dir: string; seed: SeedProvider }): CheckpointStore {
  let signer: Signer | undefined;
  const getSigner = async () => (signer ??= signerFrom(Buffer.from(await options.seed())));
  const ensureDir = () => {
    fs.mkdirSync(options.dir, { recursive: true, mode: 0o700 });
    fs.chmodSync(options.dir, 0o700);
  };

  const list = (): StoredCheckpoint[] => {
    let names: string[];
    try {
      names = fs.readdirSync(options.dir).filter((n) => n.endsWith('.json'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    return names.sort().map((name) => {
      const file = path.join(options.dir, name);
      try {
        const parsed = checkpointSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
        return parsed.success ? { file, checkpoint: parsed.data } : { file, error: 'not a checkpoint' };
      } catch {
        return { file, error: 'unreadable' };
      }
    });
  };

  const prune = () => {
    const all = list();
    if (all.length <= KEEP_NEWEST) return;
    const firstOfDay = new Set<string>();
    const keep = new Set(all.slice(-KEEP_NEWEST).map((s) => s.file));
    for (const s of [...all].sort((a, b) => (a.checkpoint?.at ?? '').localeCompare(b.checkpoint?.at ?? ''))) {
      const day = s.checkpoint?.at.slice(0, 10);
      if (day && !firstOfDay.has(day)) {
        firstOfDay.add(day);
        keep.add(s.file);
      }
    }
    for (const s of all) if (!keep.has(s.file) && s.checkpoint) fs.rmSync(s.file, { force: true });
  };

  return {
    dir: options.dir,
    async write(head, now = new Date()) {
      const { privateKey, publicKey } = await getSigner();
      const body = { seal_position: head.position, event_seq: head.eventSeq, head_hash: head.hash, at: now.toISOString() };
      const checkpoint: Checkpoint = {
        version: 1,
        ...body,
        public_key: publicKey,
        signature: sign(null, signedPayload(body), privateKey).toString('base64'),
      };
      ensureDir();
      const file = path.join(options.dir, fileNameFor(checkpoint));
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, `${JSON.stringify(checkpoint, null, 2)}\n`, { mode: 0o600 });
      fs.renameSync(tmp, file);
      prune();
      return checkpoint;
    },
    list,
    async publicKey() {
      return (await getSigner()).publicKey;
    },
  };
}

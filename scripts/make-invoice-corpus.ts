// `node --import tsx scripts/make-invoice-corpus.ts [options]`: writes the supplier-invoice
// corpus (test/helpers/invoice-corpus.ts) to a directory: per invoice `<id>.json` (the ground
// truth), `<id>.html`, and the variants asked for: `<id>.pdf` (Chromium's page.pdf, with a text
// layer and the QR as an image), `<id>.png` (the page, ~190 dpi), `<id>.photo.jpg` and
// `<id>.photo-hard.jpg` (phone photos of the PNG). Deterministic: the same --seed and --count
// give the same invoices and pages.
//
// The committed sample in test/fixtures/invoices/ was made with
//   node --import tsx scripts/make-invoice-corpus.ts --out test/fixtures/invoices --count 3 --variants pdf,photo
// npm run bench:invoices makes its own, larger corpus in a temporary directory.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CORPUS_VARIANTS, corpusInvoices, invoiceHtml, openCorpusBrowser, renderVariants, VARIANT_FILE, type CorpusTruth, type CorpusVariant } from '../test/helpers/invoice-corpus.ts';

const HELP = `Usage: node --import tsx scripts/make-invoice-corpus.ts [options]

  --out DIR          where to write (default test-artifacts/invoice-corpus)
  --count N          invoices (default 24; letters cycle A, B, C; 1–40 lines)
  --seed S           generator seed (default 2026)
  --variants LIST    comma-separated, of ${CORPUS_VARIANTS.join(', ')} (default all)
  --help`;

export interface WrittenInvoice {
  truth: CorpusTruth;
  files: Partial<Record<CorpusVariant, string>>;
}

/** Renders and writes `count` invoices into `dir`; returns each one's truth and file paths. */
export async function writeCorpus(dir: string, options: { seed: number; count: number; variants: readonly CorpusVariant[]; log?: (s: string) => void }): Promise<WrittenInvoice[]> {
  fs.mkdirSync(dir, { recursive: true });
  const browser = await openCorpusBrowser();
  const written: WrittenInvoice[] = [];
  try {
    for (const truth of corpusInvoices(options.seed, options.count)) {
      const variants = await renderVariants(browser, truth, options.variants);
      const files: Partial<Record<CorpusVariant, string>> = {};
      for (const [variant, bytes] of Object.entries(variants) as [CorpusVariant, Buffer][]) {
        const file = path.join(dir, `${truth.id}.${VARIANT_FILE[variant]}`);
        fs.writeFileSync(file, bytes);
        files[variant] = file;
      }
      fs.writeFileSync(path.join(dir, `${truth.id}.json`), `${JSON.stringify(truth, null, 2)}\n`);
      fs.writeFileSync(path.join(dir, `${truth.id}.html`), await invoiceHtml(truth));
      written.push({ truth, files });
      options.log?.(`${truth.id}: ${truth.lines.length} lines, total ${truth.total}`);
    }
  } finally {
    await browser.close();
  }
  return written;
}

const isMain = import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('make-invoice-corpus.ts');
if (isMain) {
  const { values: args } = parseArgs({
    options: {
      out: { type: 'string', default: 'test-artifacts/invoice-corpus' },
      count: { type: 'string', default: '24' },
      seed: { type: 'string', default: '2026' },
      variants: { type: 'string', default: CORPUS_VARIANTS.join(',') },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (args.help) {
    process.stdout.write(`${HELP}\n`);
    process.exit(0);
  }
  const variants = args.variants.split(',').map((v) => v.trim().replace('-', '_')) as CorpusVariant[];
  const unknown = variants.filter((v) => !CORPUS_VARIANTS.includes(v));
  if (unknown.length > 0) throw new Error(`unknown variants: ${unknown.join(', ')}`);
  await writeCorpus(path.resolve(args.out), { seed: Number(args.seed), count: Number(args.count), variants, log: (s) => process.stderr.write(`${s}\n`) });
}

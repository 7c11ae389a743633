// `npm run docs:privacy`: writes the generated privacy documents into docs/privacy/ from the code's
// declarations and the configuration in the environment (PRIVACY_CONTROLLER_*, RETENTION_*). With no
// such variables set the output is the committed version, which the records-of-processing test checks.
// `--out DIR` writes elsewhere (a shop's own filled-in copy).
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../src/config.ts';
import { generatedPrivacyDocs } from '../src/modules/privacy/docs.ts';

const outFlag = process.argv.indexOf('--out');
const outDir = outFlag > 0 ? process.argv[outFlag + 1]! : path.join(import.meta.dirname, '..', 'docs', 'privacy');
fs.mkdirSync(outDir, { recursive: true });
for (const [name, content] of Object.entries(generatedPrivacyDocs(loadConfig()))) {
  fs.writeFileSync(path.join(outDir, name), content);
  process.stdout.write(`wrote ${path.join(outDir, name)}\n`);
}

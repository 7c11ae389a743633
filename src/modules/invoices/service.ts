// Supplier invoices: drafts from uploaded files (QR + PDF text + OCR of photos) or typed by hand,
// reviewed with PATCH, and confirmed into stock: one `in` movement per line, each carrying its
// product's one weighted unit cost (costs.ts; the stock service records it as the product's new
// cost through the catalog service), the learned
// supplier codes, the invoice's new status and its audit event, all in one transaction.
import { Decimal } from 'decimal.js';
import { uuidv7 } from 'uuidv7';
import type { Database } from '../../platform/db/types.ts';
import type { AuditContext, AuditWriter } from '../../platform/audit/writer.ts';
import { decodeCursor, pageOf } from '../../platform/http/pagination.ts';
import type { CatalogService } from '../catalog/service.ts';
import type { StockService } from '../stock/service.ts';
import { parseCuit } from '../catalog/cuit.ts';
import type { AfipQr } from './afip-qr.ts';
import { checkDraft, duplicateWarning, type Warning } from './checks.ts';
import { unitCostOf, weightedCosts } from './costs.ts';
import { emptyHeader, mergeSources, type Draft } from './draft.ts';
import { EXTRACTION_CODES, applyHeader, assertKnownProducts, columnsOf, completenessProblems, draftOf, lineFromInput } from './draft-edit.ts';
import { InvoiceErrors } from './errors.ts';
import { extractInvoice, OcrTimeoutError, type OcrEngine } from './extraction/pipeline.ts';
import { createExtractionRunner, type ExtractionRunner } from './extraction/runner.ts';
import { matchLines, type CatalogEntry } from './matching.ts';
import { createInvoicesRepo, type InvoiceRow } from './repo.ts';
import type { ListQuery, ManualBody, PatchBody } from './schemas.ts';
import type { InvoiceFileStore } from './storage.ts';
import type { InvoiceFileType } from './sniff.ts';
import { invoicesCreated, stockMovements } from '../../platform/observability/metrics.ts';

export interface InvoicesServiceDeps {
  catalog: CatalogService;
  stock: StockService;
  audit: AuditWriter;
  files: InvoiceFileStore;
  /** Where PDFs are parsed and QR codes decoded; a worker-thread runner by default. */
  runner?: ExtractionRunner;
  /** OCR for photos and scans (tesseract.js, extraction/ocr.ts); none: images get `text.missing`. */
  ocr?: (OcrEngine & { close?: () => Promise<void> }) | null;
}

export interface Sources {
  qr: boolean;
  text: boolean;
  ocr: boolean;
}

export function createInvoicesService(database: Database, deps: InvoicesServiceDeps) {
  const { catalog, stock, audit, files } = deps;
  const runner = deps.runner ?? createExtractionRunner({ timeoutMs: 20_000, concurrency: 2, maxHeapMb: 512, maxQueue: 8 });
  const ocr = deps.ocr ?? null;

  /** The active catalog, for matching (a few thousand products at most, read in pages). */
  async function catalogEntries(): Promise<CatalogEntry[]> {
    const out: CatalogEntry[] = [];
    let cursor: string | undefined;
    do {
      const page = await catalog.listProducts({ limit: 500, cursor, archived: false });
      for (const p of page.items) {
        out.push({ id: p.id, sku: p.sku, name: p.name, barcode: p.barcode, supplierId: p.supplierId, vatRate: p.vatRate });
      }
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    return out;
  }

  async function supplierIdFor(cuit: string | null): Promise<string | null> {
    if (!cuit || !parseCuit(cuit).ok) return null;
    const page = await catalog.listSuppliers({ cuit, limit: 1 });
    return page.items[0]?.id ?? null;
  }

  /** Matches lines and computes warnings; reads only outside any transaction. */
  async function prepare(draft: Draft, opts: { supplierId: string | null; assign: boolean }) {
    const cuit = draft.header.issuer_cuit;
    const [products, learnedCodes] = await Promise.all([
      catalogEntries(),
      cuit ? createInvoicesRepo(database.db).learnedCodes(cuit) : Promise.resolve(new Map<string, string>()),
    ]);
    const known = new Set(products.map((p) => p.id));
    const lines = matchLines(draft.lines, { products, learnedCodes, supplierId: opts.supplierId }, { assign: opts.assign });
    return { draft: { ...draft, lines }, known };
  }

  async function warningsFor(row: { id: string | null; fileSha256: string | null; qrPayload: unknown }, draft: Draft, extraction: Warning[], db = database.db) {
    const repo = createInvoicesRepo(db);
    const h = draft.header;
    const identity =
      h.issuer_cuit && h.letter && h.point_of_sale && h.number
        ? { issuerCuit: h.issuer_cuit, letter: h.letter, pointOfSale: h.point_of_sale, number: h.number }
        : null;
    const qr = row.qrPayload as { total?: string } | null;
    return checkDraft(draft, {
      qrTotal: qr?.total ?? null,
      confirmedDuplicateId: identity ? await repo.confirmedWithIdentity(identity, row.id) : null,
      sameFileInvoiceId: row.fileSha256 ? await repo.firstWithFile(row.fileSha256, row.id) : null,
      extraction,
    });
  }

  async function insertDraft(input: {
    draft: Draft;
    sources: Sources;
    qr: AfipQr | null;
    extraction: Warning[];
    file: { sha256: string; type: InvoiceFileType; size: number } | null;
    supplierId: string | null;
    ctx: AuditContext;
  }): Promise<InvoiceRow> {
    const id = uuidv7();
    const qrPayload = input.qr ? { ...input.qr.raw, total: input.qr.total } : null;
    const warnings = await warningsFor({ id, fileSha256: input.file?.sha256 ?? null, qrPayload }, input.draft, input.extraction);
    const created = await database.transaction(async (tx) => {
      const row = await createInvoicesRepo(tx).insert({
        id,
        status: 'draft',
        ...columnsOf(input.draft),
        supplierId: input.supplierId,
        sources: input.sources,
        warnings,
        qrPayload,
        fileSha256: input.file?.sha256 ?? null,
        fileType: input.file?.type ?? null,
        fileSize: input.file?.size ?? null,
        createdBy: input.ctx.actor,
      });
      await audit.record(tx, input.ctx, {
        action: 'invoice.create',
        resource: `invoice:${id}`,
        outcome: 'success',
        details: { sources: input.sources, file_sha256: input.file?.sha256 ?? null, lines: input.draft.lines.length },
      });
      return row;
    });
    const sources = (['qr', 'text', 'ocr'] as const).filter((s) => input.sources[s]);
    for (const source of sources.length > 0 ? sources : ['manual']) invoicesCreated.inc({ source });
    return created;
  }

  /** One attempt at an edit; undefined when the row changed between the read and the lock. */
  async function updateOnce(id: string, patch: PatchBody, ctx: AuditContext): Promise<InvoiceRow | undefined> {
    const current = await createInvoicesRepo(database.db).find(id);
    if (!current) throw InvoiceErrors.notFound();
    if (current.status !== 'draft') throw InvoiceErrors.notDraft();
    const draft = draftOf(current);
    applyHeader(draft, patch.header);
    if (patch.lines) draft.lines = patch.lines.map((l, i) => lineFromInput(l, draft.lines[i]));
    const cuitChanged = patch.header?.issuer_cuit !== undefined && patch.header.issuer_cuit !== current.issuerCuit;
    const supplierId =
      patch.supplier_id !== undefined ? patch.supplier_id : cuitChanged ? await supplierIdFor(draft.header.issuer_cuit) : current.supplierId;
    // Edits never map a line by themselves: unmapped lines get fresh candidates only.
    const prepared = await prepare(draft, { supplierId, assign: false });
    assertKnownProducts(prepared.draft.lines, prepared.known);
    const extraction = ((current.warnings as Warning[]) ?? []).filter((w) => EXTRACTION_CODES.test(w.code));
    return database.transaction(async (tx) => {
      const repo = createInvoicesRepo(tx);
      const locked = await repo.lock(id);
      // Confirmed between the read above and this lock: edits are over.
      if (!locked || locked.status !== 'draft') throw InvoiceErrors.notDraft();
      // Edited by someone else in between: every column is written from `current`, so writing now
      // would undo their edit. The caller makes this edit again on the fresh row.
      if (locked.updatedAt.getTime() !== current.updatedAt.getTime()) return undefined;
      const warnings = await warningsFor(locked, prepared.draft, extraction, tx);
      const row = await repo.update(id, { ...columnsOf(prepared.draft), supplierId, warnings });
      await audit.record(tx, ctx, {
        action: 'invoice.update',
        resource: `invoice:${id}`,
        outcome: 'success',
        details: { header: Object.keys(patch.header ?? {}).sort(), lines: patch.lines ? patch.lines.length : null },
      });
      return row;
    });
  }

  return {
    /** Stops the OCR engines (app shutdown); they start again on the next photo. */
    async close(): Promise<void> {
      await ocr?.close?.();
    },

    /** A draft from an uploaded file whose type was already sniffed. */
    async createFromFile(bytes: Buffer, type: InvoiceFileType, ctx: AuditContext): Promise<InvoiceRow> {
      const stored = await files.put(bytes);
      const extraction = await extractInvoice(bytes, type, { runner, ocr }).catch((err: unknown) => {
        // The upload fails (the file stays stored by its hash; a retry reuses it).
        if (err instanceof OcrTimeoutError) throw InvoiceErrors.ocrTimeout();
        throw err;
      });
      const merged = mergeSources(extraction.qr, extraction.text, extraction.textSource, extraction.textScale);
      const supplierId = await supplierIdFor(merged.header.issuer_cuit);
      const { draft } = await prepare(merged, { supplierId, assign: true });
      return insertDraft({
        draft,
        sources: extraction.sources,
        qr: extraction.qr,
        // Kept apart from the checks so a later edit can recompute the checks and keep these.
        extraction: extraction.problems,
        file: { sha256: stored.sha256, type, size: stored.size },
        supplierId,
        ctx,
      });
    },

    /** A draft typed by hand (JSON body). */
    async createManual(body: ManualBody, ctx: AuditContext): Promise<InvoiceRow> {
      const draft: Draft = {
        header: emptyHeader(),
        vatBreakdown: [],
        lines: (body.lines ?? []).map((l) => lineFromInput(l, undefined)),
        meta: { fields: {}, field_sources: {}, printed_total: null, currency: 'PES' },
      };
      applyHeader(draft, body.header);
      const supplierId = body.supplier_id !== undefined ? body.supplier_id : await supplierIdFor(draft.header.issuer_cuit);
      const prepared = await prepare(draft, { supplierId, assign: true });
      assertKnownProducts(prepared.draft.lines, prepared.known);
      return insertDraft({ draft: prepared.draft, sources: { qr: false, text: false, ocr: false }, qr: null, extraction: [], file: null, supplierId, ctx });
    },

    async get(id: string): Promise<InvoiceRow> {
      const row = await createInvoicesRepo(database.db).find(id);
      if (!row) throw InvoiceErrors.notFound();
      return row;
    },

    async list(query: ListQuery) {
      const cursor = decodeCursor(query.cursor, 2);
      const rows = await createInvoicesRepo(database.db).list({
        status: query.status,
        before: cursor ? { createdAt: new Date(cursor[0]!), id: cursor[1]! } : undefined,
        limit: query.limit,
      });
      return pageOf(rows, query.limit, (r) => [r.createdAt.toISOString(), r.id]);
    },

    /** Drafts waiting for review (the dashboard's home). */
    pendingCount: () => createInvoicesRepo(database.db).countByStatus('draft'),

    /**
     * Applies a review edit. The row is read and the edit matched outside the transaction (matching
     * reads the catalog); if another edit landed before the lock, this one is made again on the
     * fresh row, once, so neither is lost; a row that changed again is a 409 invoice.changed.
     */
    async update(id: string, patch: PatchBody, ctx: AuditContext): Promise<InvoiceRow> {
      const first = await updateOnce(id, patch, ctx);
      if (first) return first;
      const second = await updateOnce(id, patch, ctx);
      if (second) return second;
      throw InvoiceErrors.changed();
    },

    /**
     * Confirms a draft into stock. Confirming a confirmed invoice returns it unchanged (no new
     * movements); a different invoice with the same identity already confirmed is a 409.
     */
    async confirm(id: string, options: { locationId?: string | undefined }, ctx: AuditContext): Promise<{ row: InvoiceRow; replayed: boolean }> {
      const current = await createInvoicesRepo(database.db).find(id);
      if (!current) throw InvoiceErrors.notFound();
      if (current.status === 'confirmed') return { row: current, replayed: true };
      const draft = draftOf(current);
      const problems = completenessProblems(draft);
      // Product facts are read before the transaction (on PGlite a read outside it would wait for it).
      const products = new Map<string, Awaited<ReturnType<CatalogService['getProduct']>>>();
      for (const [i, line] of draft.lines.entries()) {
        if (!line.product_id) continue;
        const p = products.get(line.product_id) ?? (await catalog.getProduct(line.product_id).catch(() => undefined));
        if (!p || p.archivedAt) {
          problems.push({ path: `lines.${i}.product_id`, message: 'el producto no existe o está archivado' });
          continue;
        }
        products.set(p.id, p);
        if (p.unit === 'unit' && !new Decimal(line.quantity).isInteger()) {
          problems.push({ path: `lines.${i}.quantity`, message: 'este producto se vende por unidad: la cantidad debe ser entera' });
        }
        if (unitCostOf(draft.header.letter, { ...line, vat_rate: line.vat_rate ?? p.vatRate }) === null) {
          problems.push({ path: `lines.${i}.unit_cost`, message: 'no se puede calcular el costo unitario: indíquelo' });
        }
      }
      if (problems.length > 0) throw InvoiceErrors.incomplete(problems);
      const h = draft.header;
      const identity = { issuerCuit: h.issuer_cuit!, letter: h.letter!, pointOfSale: h.point_of_sale!, number: h.number! };
      // One cost per product: Σ paid ÷ Σ units over its lines, free units included (costs.ts).
      const costs = weightedCosts(
        h.letter,
        draft.lines.map((line) => ({ ...line, product_id: line.product_id!, vat_rate: line.vat_rate ?? products.get(line.product_id!)!.vatRate })),
      );
      const reference = `FC-${h.letter} ${String(h.point_of_sale).padStart(5, '0')}-${String(h.number).padStart(8, '0')}`;

      const confirmed = await database.transaction(async (tx) => {
        const repo = createInvoicesRepo(tx);
        // Two confirmations of one invoice serialize here; the second finds it confirmed.
        const locked = await repo.lock(id);
        if (!locked) throw InvoiceErrors.notFound();
        if (locked.status === 'confirmed') return { row: locked, replayed: true };
        if (locked.updatedAt.getTime() !== current.updatedAt.getTime()) {
          // Edited since it was checked above: check the edited version instead.
          throw InvoiceErrors.incomplete([{ path: '(invoice)', message: 'la factura cambió mientras se confirmaba; vuelva a intentarlo' }]);
        }
        const duplicate = await repo.confirmedWithIdentity(identity, id);
        if (duplicate) throw InvoiceErrors.duplicate(duplicate);

        // Lines in product order (then invoice order), so concurrent confirmations lock product rows in one order.
        const order = draft.lines
          .map((line, index) => ({ line, index }))
          .sort((a, b) => (a.line.product_id! < b.line.product_id! ? -1 : a.line.product_id! > b.line.product_id! ? 1 : a.index - b.index));
        const lines = [...draft.lines];
        for (const { line, index } of order) {
          // Each line is its own movement; every movement of a product carries the product's one
          // weighted cost (the stock service records it as the new cost), none if all was free.
          const unitCost = costs.get(line.product_id!) ?? undefined;
          const { movement } = await stock.applyMovement(
            tx,
            {
              product_id: line.product_id!,
              type: 'in',
              quantity: new Decimal(line.quantity).toFixed(),
              location_id: options.locationId,
              ...(unitCost !== undefined ? { unit_cost: unitCost } : {}),
              reason: 'factura de proveedor',
              reference,
            },
            { actor: ctx.actor, audit: ctx },
          );
          lines[index] = { ...line, unit_cost: line.unit_cost, movement_id: movement.id };
          if (line.code) await repo.learnCode(identity.issuerCuit, line.code.toUpperCase(), line.product_id!);
        }
        const row = await repo.update(id, { status: 'confirmed', lines, confirmedAt: new Date(), confirmedBy: ctx.actor });
        // Drafts of the same invoice (uploaded twice, say) are duplicates from now on: tell them.
        for (const other of await repo.draftsWithIdentity(identity, id)) {
          const current = other.warnings as Warning[];
          if (current.some((w) => w.code === 'invoice.duplicate')) continue;
          await repo.update(other.id, { warnings: [...current, duplicateWarning()] });
        }
        await audit.record(tx, ctx, {
          action: 'invoice.confirm',
          resource: `invoice:${id}`,
          outcome: 'success',
          details: {
            invoice: `${identity.issuerCuit} ${reference}`,
            total: h.total,
            movements: lines.map((l) => l.movement_id),
          },
        });
        return { row, replayed: false };
      });
      if (!confirmed.replayed) stockMovements.inc({ type: 'in' }, draft.lines.length);
      return confirmed;
    },

    /** The stored file and its sniffed type. */
    async file(id: string): Promise<{ bytes: Buffer; type: InvoiceFileType }> {
      const row = await createInvoicesRepo(database.db).find(id);
      if (!row) throw InvoiceErrors.notFound();
      if (!row.fileSha256 || !row.fileType) throw InvoiceErrors.fileNotFound();
      const bytes = await files.get(row.fileSha256);
      if (!bytes) throw InvoiceErrors.fileNotFound();
      return { bytes, type: row.fileType as InvoiceFileType };
    },
  };
}

export type InvoicesService = ReturnType<typeof createInvoicesService>;

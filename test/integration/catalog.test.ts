// API.md "Catalog": products, suppliers and locations exactly as the contract writes them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../helpers/engines.ts';
import { createLocation, createProduct, move, receive, unique, validCuit, type ProductJson } from '../helpers/fixtures.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UNKNOWN_ID = '0195b7a4-0000-7000-8000-0000000000ff';

describe.each(testEngines())('catalog on %s', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine);
  });
  afterAll(async () => t?.close());

  const list = async (query: string) => {
    const res = await t.call('GET', `/api/v1/products?${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { items: ProductJson[]; next_cursor: string | null };
  };
  const skusOf = (items: ProductJson[]) => items.map((p) => p.sku).sort();

  describe('products', () => {
    it('creates a product with every documented field, money as 2-decimal strings', async () => {
      const res = await t.call('POST', '/api/v1/products', {
        body: { sku: '  yerba-500 ', name: 'Yerba 500 g', category: 'Almacén', cost_price: 1234.5, sale_price: '1999.9', min_stock: 10 },
      });
      expect(res.statusCode, res.body).toBe(201);
      const p = res.json();
      expect(Object.keys(p).sort()).toEqual(
        ['archived', 'barcode', 'category', 'cost_price', 'created_at', 'id', 'max_stock', 'min_stock', 'name', 'on_hand', 'sale_price', 'sku', 'supplier_id', 'unit', 'updated_at', 'vat_rate'].sort(),
      );
      expect(p).toMatchObject({
        sku: 'YERBA-500',
        name: 'Yerba 500 g',
        unit: 'unit',
        barcode: null,
        supplier_id: null,
        cost_price: '1234.50',
        sale_price: '1999.90',
        vat_rate: '21',
        min_stock: '10',
        max_stock: null,
        on_hand: '0',
        archived: false,
      });
      expect(p.id).toEqual(expect.any(String));
      expect(p.created_at).toMatch(RFC3339_UTC);
      expect(p.updated_at).toMatch(RFC3339_UTC);
      const got = await t.call('GET', `/api/v1/products/${p.id}`);
      expect(got.json()).toEqual(p);
    });

    it('refuses money with more than 2 decimals or below zero, naming the field', async () => {
      for (const cost of ['12.345', -1, 'doce']) {
        const res = await t.call('POST', '/api/v1/products', { body: { sku: unique('M'), name: 'x', category: 'a', cost_price: cost } });
        expect(res.statusCode).toBe(400);
        expect(res.json().errors.map((e: { path: string }) => e.path)).toEqual(['cost_price']);
      }
    });

    it.each(['has space', 'ÑANDÚ', 'a/b', 'X'.repeat(51), '   '])('refuses the SKU %j with 400 at sku', async (sku) => {
      const res = await t.call('POST', '/api/v1/products', { body: { sku, name: 'x', category: 'a', cost_price: 1 } });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'validation.failed', errors: [{ path: 'sku' }] });
    });

    it('accepts a 50-character SKU of letters, digits, _ and -, upper-cased', async () => {
      const sku = `ab_c-9${'z'.repeat(44)}`;
      const p = await createProduct(t, { sku });
      expect(p.sku).toBe(sku.toUpperCase());
      expect(p.sku).toHaveLength(50);
    });

    it('answers 409 product.sku_taken for a duplicate SKU however it is spaced or cased', async () => {
      const sku = unique('DUP');
      await createProduct(t, { sku });
      const res = await t.call('POST', '/api/v1/products', { body: { sku: ` ${sku.toLowerCase()} `, name: 'otro', category: 'a', cost_price: 1 } });
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe('product.sku_taken');
    });

    it.each([
      ['0', '0'],
      ['10.5', '10.5'],
      [10.5, '10.5'],
      [21, '21'],
      ['27', '27'],
    ])('stores VAT rate %j as %j', async (vat_rate, expected) => {
      expect((await createProduct(t, { vat_rate })).vat_rate).toBe(expected);
    });

    it.each(['22', '10,5', '5'])('refuses VAT rate %j with 400 at vat_rate', async (vat_rate) => {
      const res = await t.call('POST', '/api/v1/products', { body: { sku: unique('V'), name: 'x', category: 'a', cost_price: 1, vat_rate } });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors).toEqual([{ path: 'vat_rate', message: expect.any(String) }]);
    });

    it('sells by unit by default and accepts kg and l, but no other unit', async () => {
      expect((await createProduct(t)).unit).toBe('unit');
      expect((await createProduct(t, { unit: 'kg', min_stock: '2.5' })).min_stock).toBe('2.5');
      expect((await createProduct(t, { unit: 'l' })).unit).toBe('l');
      const res = await t.call('POST', '/api/v1/products', { body: { sku: unique('U'), name: 'x', category: 'a', cost_price: 1, unit: 'lb' } });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors[0].path).toBe('unit');
    });

    it.each([
      ['GET', undefined],
      ['PATCH', { name: 'nuevo' }],
      ['DELETE', undefined],
    ])('answers 404 product.not_found to %s of an unknown id', async (method, body) => {
      const res = await t.call(method, `/api/v1/products/${UNKNOWN_ID}`, body ? { body } : {});
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('product.not_found');
    });

    it('edits a product and returns the new values everywhere', async () => {
      const p = await createProduct(t, { sale_price: '100' });
      const res = await t.call('PATCH', `/api/v1/products/${p.id}`, { body: { name: 'Galletitas', sale_price: 150.5, barcode: '7790000000012' } });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ name: 'Galletitas', sale_price: '150.50', barcode: '7790000000012', sku: p.sku });
      expect(Date.parse(res.json().updated_at)).toBeGreaterThanOrEqual(Date.parse(p.updated_at as string));
      expect((await t.call('GET', `/api/v1/products/${p.id}`)).json()).toEqual(res.json());
    });

    it('refuses to archive while any location holds stock (409 product.has_stock), then archives at zero', async () => {
      const p = await createProduct(t);
      const backroom = await createLocation(t);
      await receive(t, p.id, 3, { location_id: backroom.id });
      const refused = await t.call('DELETE', `/api/v1/products/${p.id}`);
      expect(refused.statusCode).toBe(409);
      expect(refused.json()).toMatchObject({ code: 'product.has_stock', on_hand: '3' });
      expect((await t.call('GET', `/api/v1/products/${p.id}`)).json().archived).toBe(false);

      expect((await move(t, { product_id: p.id, type: 'out', quantity: 3, location_id: backroom.id })).statusCode).toBe(201);
      const archived = await t.call('DELETE', `/api/v1/products/${p.id}`);
      expect(archived.statusCode, archived.body).toBe(200);
      expect(archived.json()).toMatchObject({ id: p.id, archived: true, on_hand: '0' });
      expect((await t.call('GET', `/api/v1/products/${p.id}`)).json().archived).toBe(true);
    });

    it('frees the SKU of an archived product for a new one', async () => {
      const old = await createProduct(t, { barcode: `77${Date.now()}` });
      expect((await t.call('DELETE', `/api/v1/products/${old.id}`)).statusCode).toBe(200);
      const again = await createProduct(t, { sku: old.sku, barcode: old.barcode });
      expect(again.id).not.toBe(old.id);
      const bySku = await list(`sku=${old.sku}`);
      expect(bySku.items.map((p) => p.id)).toEqual([again.id]);
      const archived = await list(`sku=${old.sku}&archived=true`);
      expect(archived.items.map((p) => p.id)).toEqual([old.id]);
    });

    describe('list filters', () => {
      const cat = `filtros-${Date.now()}`;
      let supplierId: string;
      let token: string;

      beforeAll(async () => {
        const s = await t.call('POST', '/api/v1/suppliers', { body: { name: 'Filtros SRL', cuit: validCuit(7) } });
        expect(s.statusCode, s.body).toBe(201);
        supplierId = s.json().id;
        token = unique('tok').toLowerCase();
        await createProduct(t, { sku: `${token}-A`, name: 'Aceite girasol', category: cat, barcode: '7791111111111', min_stock: 5 });
        await createProduct(t, { sku: `${token}-B`, name: `Arroz ${token} largo`, category: cat, supplier_id: supplierId });
        const stocked = await createProduct(t, { sku: `${token}-C`, name: 'Azúcar', category: cat, min_stock: 2 });
        await receive(t, stocked.id, 10);
        const gone = await createProduct(t, { sku: `${token}-D`, name: 'Discontinuado', category: cat });
        expect((await t.call('DELETE', `/api/v1/products/${gone.id}`)).statusCode).toBe(200);
      });

      it.each([
        ['category', () => `category=${cat}`, ['A', 'B', 'C']],
        ['q on the name, case-insensitively', () => `category=${cat}&q=ACEITE`, ['A']],
        ['q on the sku', () => `q=${token}-b`, ['B']],
        ['q on the barcode', () => `category=${cat}&q=91111`, ['A']],
        ['q with LIKE wildcards taken literally', () => `category=${cat}&q=%25`, []],
        ['sku (exact)', () => `sku=${token}-C`, ['C']],
        ['barcode (exact)', () => `barcode=7791111111111&category=${cat}`, ['A']],
        ['supplier_id', () => `supplier_id=${supplierId}`, ['B']],
        ['below_min=true', () => `category=${cat}&below_min=true`, ['A']],
        ['archived=true', () => `category=${cat}&archived=true`, ['D']],
      ])('filters by %s', async (_label, query, expected) => {
        const { items } = await list(query());
        expect(skusOf(items)).toEqual(expected.map((s) => `${token}-${s}`.toUpperCase()));
      });
    });

    describe('pagination', () => {
      const cat = `pagina-${Date.now()}`;
      const ids: string[] = [];
      beforeAll(async () => {
        for (let i = 0; i < 52; i++) ids.push((await createProduct(t, { category: cat })).id);
      });

      it('walks every item exactly once with cursors, and ends with next_cursor null', async () => {
        for (const limit of [1, 7, 500]) {
          const seen: string[] = [];
          let cursor: string | null = null;
          let pages = 0;
          do {
            const page = await list(`category=${cat}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
            expect(page.items.length).toBeLessThanOrEqual(limit);
            seen.push(...page.items.map((p) => p.id));
            cursor = page.next_cursor;
            pages += 1;
          } while (cursor && pages < 100);
          expect(cursor).toBeNull();
          expect(seen.sort()).toEqual([...ids].sort());
          expect(pages).toBe(Math.ceil(ids.length / limit));
        }
      });

      it('returns 50 items by default', async () => {
        const page = await list(`category=${cat}`);
        expect(page.items).toHaveLength(50);
        expect(page.next_cursor).toEqual(expect.any(String));
      });

      it.each(['limit=0', 'limit=501', 'limit=abc', 'cursor=not-a-cursor'])('refuses %s with 400 naming the parameter', async (q) => {
        const res = await t.call('GET', `/api/v1/products?${q}`);
        expect(res.statusCode).toBe(400);
        expect(res.json().errors[0].path).toBe(q.split('=')[0]);
      });
    });
  });

  describe('suppliers', () => {
    it('accepts an undashed CUIT, returns it dashed, and defaults lead_time_days to 2', async () => {
      const res = await t.call('POST', '/api/v1/suppliers', {
        body: { name: 'La Serenísima', cuit: '30712345671', email: 'ventas@example.com' },
      });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({ name: 'La Serenísima', cuit: '30-71234567-1', email: 'ventas@example.com', lead_time_days: 2 });
      const got = await t.call('GET', `/api/v1/suppliers/${res.json().id}`);
      expect(got.json()).toEqual(res.json());
    });

    it('accepts a dashed CUIT and an explicit lead time', async () => {
      const res = await t.call('POST', '/api/v1/suppliers', {
        body: { name: 'Juan Pérez', cuit: '20-12345678-6', lead_time_days: 7, phone: '11 4444-5555', vat_condition: 'Monotributo' },
      });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({ cuit: '20-12345678-6', lead_time_days: 7, vat_condition: 'Monotributo' });
    });

    it.each([
      ['a bad check digit', '20-12345678-9'],
      ['an unknown prefix', '99-12345678-1'],
      ['a short number', '20-1234567-6'],
      ['letters', '20-1234567A-6'],
    ])('refuses a CUIT with %s: 400 validation.failed with an entry at cuit', async (_label, cuit) => {
      const res = await t.call('POST', '/api/v1/suppliers', { body: { name: 'Malo', cuit } });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'validation.failed' });
      expect(res.json().errors.map((e: { path: string }) => e.path)).toEqual(['cuit']);
    });

    it('answers 409 supplier.cuit_taken for a CUIT already registered, dashed or not', async () => {
      const cuit = validCuit(3);
      expect((await t.call('POST', '/api/v1/suppliers', { body: { name: 'Primero', cuit } })).statusCode).toBe(201);
      const dup = await t.call('POST', '/api/v1/suppliers', { body: { name: 'Segundo', cuit: cuit.replace(/-/g, '') } });
      expect(dup.statusCode).toBe(409);
      expect(dup.json().code).toBe('supplier.cuit_taken');
      const other = await t.call('POST', '/api/v1/suppliers', { body: { name: 'Tercero', cuit: validCuit(4) } });
      const patched = await t.call('PATCH', `/api/v1/suppliers/${other.json().id}`, { body: { cuit } });
      expect(patched.statusCode).toBe(409);
      expect(patched.json().code).toBe('supplier.cuit_taken');
    });

    it('edits a supplier and answers 404 supplier.not_found for an unknown id', async () => {
      const created = await t.call('POST', '/api/v1/suppliers', { body: { name: 'Editable', cuit: validCuit(5) } });
      const res = await t.call('PATCH', `/api/v1/suppliers/${created.json().id}`, { body: { lead_time_days: 10, address: 'Av. Corrientes 1234' } });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ lead_time_days: 10, address: 'Av. Corrientes 1234', cuit: validCuit(5) });
      for (const method of ['GET', 'PATCH']) {
        const missing = await t.call(method, `/api/v1/suppliers/${UNKNOWN_ID}`, method === 'PATCH' ? { body: { name: 'x' } } : {});
        expect(missing.statusCode).toBe(404);
        expect(missing.json().code).toBe('supplier.not_found');
      }
    });

    it('refuses a product pointing at a supplier that does not exist, naming supplier_id', async () => {
      const res = await t.call('POST', '/api/v1/products', { body: { sku: unique('S'), name: 'x', category: 'a', cost_price: 1, supplier_id: UNKNOWN_ID } });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors[0].path).toBe('supplier_id');
    });
  });

  describe('locations', () => {
    it('has a MAIN location from the first start', async () => {
      const res = await t.call('GET', '/api/v1/locations');
      expect(res.statusCode).toBe(200);
      expect(res.json().items).toContainEqual(expect.objectContaining({ id: expect.any(String), code: 'MAIN', name: expect.any(String) }));
    });

    it('creates a location with an upper-cased code and lists it', async () => {
      const code = unique('dep').toLowerCase();
      const res = await t.call('POST', '/api/v1/locations', { body: { code, name: 'Depósito trasero' } });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({ id: expect.any(String), code: code.toUpperCase(), name: 'Depósito trasero' });
      const listed = await t.call('GET', '/api/v1/locations?limit=500');
      expect(listed.json().items).toContainEqual(expect.objectContaining(res.json()));
    });

    it('answers 409 location.code_taken for a code already in use', async () => {
      for (const code of ['main', 'MAIN ']) {
        const res = await t.call('POST', '/api/v1/locations', { body: { code, name: 'Otro principal' } });
        expect(res.statusCode).toBe(409);
        expect(res.json().code).toBe('location.code_taken');
      }
    });
  });
});

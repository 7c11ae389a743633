import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../helpers/engines.ts';
import { createTestApp, idemKey, type TestApp } from '../helpers/test-app.ts';

describe.each(testEngines())('smoke on %s', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine);
  });
  afterAll(async () => t?.close());

  it('creates a product, receives and sells stock', async () => {
    const created = await t.call('POST', '/api/v1/products', {
      body: { sku: ' yer-1 ', name: 'Yerba 1 kg', category: 'Almacén', cost_price: 3500, min_stock: '10' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const product = created.json();
    expect(product.sku).toBe('YER-1');
    const receipt = await t.call('POST', '/api/v1/stock/movements', {
      idempotencyKey: idemKey(),
      body: { product_id: product.id, type: 'in', quantity: '20', unit_cost: '3600.5' },
    });
    expect(receipt.statusCode, receipt.body).toBe(201);
    expect(receipt.json().movement).toMatchObject({ quantity: '20', on_hand_before: '0', on_hand_after: '20', unit_cost: '3600.50' });
    const sale = await t.call('POST', '/api/v1/stock/movements', {
      idempotencyKey: idemKey(),
      body: { product_id: product.id, type: 'out', quantity: 25 },
    });
    expect(sale.statusCode).toBe(409);
    expect(sale.json()).toMatchObject({ code: 'stock.insufficient', on_hand: '20' });
    const got = await t.call('GET', `/api/v1/products/${product.id}`);
    expect(got.json()).toMatchObject({ on_hand: '20', cost_price: '3600.50' });
  });
});

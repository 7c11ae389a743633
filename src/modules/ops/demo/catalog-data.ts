// Raw material for the demo store. Names are generic descriptions (no trademarks) and suppliers
// are invented; costs are approximate 2026 ARS supplier costs before IVA, per unit or per kg.

export const DEMO_CATEGORIES = [
  'almacén',
  'bebidas',
  'lácteos',
  'limpieza',
  'perfumería',
  'fiambrería',
  'verdulería',
  'panadería',
  'congelados',
  'kiosco',
] as const;

export type DemoCategory = (typeof DEMO_CATEGORIES)[number];
export type DemoVatRate = '0' | '10.5' | '21';

export interface DemoSeasonality {
  /** Southern hemisphere: summer peaks mid-January, winter mid-July. */
  peak: 'summer' | 'winter';
  /** Relative swing around the yearly average (0.4 = +40 % at the peak, -40 % opposite). */
  amplitude: number;
}

export const SKU_PREFIX: Record<DemoCategory, string> = {
  almacén: 'ALM',
  bebidas: 'BEB',
  lácteos: 'LAC',
  limpieza: 'LIM',
  perfumería: 'PER',
  fiambrería: 'FIA',
  verdulería: 'VER',
  panadería: 'PAN',
  congelados: 'CON',
  kiosco: 'KIO',
};

/** Sold over the counter on a scale: stock and sales in kg, no barcode of their own. */
export const WEIGHED_CATEGORIES: ReadonlySet<DemoCategory> = new Set<DemoCategory>(['fiambrería', 'verdulería']);

// IVA art. 28 puts fresh fruit and vegetables and bakery goods at 10.5 %.
export const DEFAULT_VAT: Partial<Record<DemoCategory, DemoVatRate>> = { verdulería: '10.5', panadería: '10.5' };

export interface RowExtra {
  season?: DemoSeasonality;
  vat?: DemoVatRate;
  /** For weighed goods outside the weighed categories (bread from the bakery counter). */
  unit?: 'kg';
}

/** [name, cost per unit or kg in ARS, average daily sales in units or kg, extras] */
export type ProductRow = readonly [name: string, cost: number, dailyDemand: number, extra?: RowExtra];

const SUMMER: RowExtra = { season: { peak: 'summer', amplitude: 0.35 } };
const HOT: RowExtra = { season: { peak: 'summer', amplitude: 0.65 } };
const WINTER: RowExtra = { season: { peak: 'winter', amplitude: 0.3 } };
// IVA art. 7 f exempts plain bread and milk without additives sold to final consumers.
const EXEMPT: RowExtra = { vat: '0' };
const REDUCED: RowExtra = { vat: '10.5' };

export const PRODUCT_ROWS: Record<DemoCategory, readonly ProductRow[]> = {
  almacén: [
    ['Yerba mate 1 kg', 3500, 5],
    ['Yerba mate suave 500 g', 1900, 2.5],
    ['Azúcar 1 kg', 900, 4],
    ['Harina de trigo 000 1 kg', 650, 3, REDUCED],
    ['Harina leudante 1 kg', 900, 1.2, REDUCED],
    ['Arroz largo fino 1 kg', 1100, 3],
    ['Fideos tallarines 500 g', 800, 4],
    ['Fideos mostachol 500 g', 800, 3],
    ['Fideos guiseros 500 g', 800, 2, WINTER],
    ['Aceite de girasol 1,5 l', 2600, 3],
    ['Aceite de oliva extra virgen 500 ml', 6500, 0.25],
    ['Vinagre de alcohol 1 l', 700, 0.8],
    ['Sal fina 500 g', 500, 1.2],
    ['Puré de tomate 520 g', 600, 4],
    ['Tomate triturado 970 g', 1100, 1.5],
    ['Arvejas en lata 300 g', 550, 1.2],
    ['Choclo cremoso en lata 300 g', 700, 1],
    ['Atún al natural 170 g', 1900, 1],
    ['Mayonesa 500 g doypack', 1700, 2.5, SUMMER],
    ['Mostaza 250 g', 700, 0.6, SUMMER],
    ['Kétchup 250 g', 900, 0.7, SUMMER],
    ['Galletitas de agua 300 g', 900, 4],
    ['Galletitas dulces surtidas 400 g', 1500, 2],
    ['Café molido 250 g', 3800, 0.8],
    ['Café instantáneo 100 g', 4500, 0.5, WINTER],
    ['Té negro en saquitos x 50', 900, 1.2, WINTER],
    ['Mate cocido en saquitos x 50', 1100, 1.5, WINTER],
    ['Cacao en polvo 360 g', 2200, 0.8, WINTER],
    ['Polenta instantánea 500 g', 700, 1.5, WINTER],
    ['Lentejas 400 g', 1100, 1, WINTER],
    ['Porotos alubia 400 g', 1200, 0.6, WINTER],
    ['Sopa instantánea de verduras (sobre)', 600, 1.5, WINTER],
    ['Caldo de verdura x 12 cubos', 1100, 1.2, WINTER],
    ['Mermelada de durazno 454 g', 1600, 0.7],
    ['Huevos blancos x 12', 2600, 4, REDUCED],
    ['Miel pura 500 g', 3500, 0.2],
    ['Avena arrollada 400 g', 1000, 0.6],
    ['Pan rallado 500 g', 800, 1],
    ['Aceitunas verdes en frasco 200 g', 1500, 0.25],
  ],
  bebidas: [
    ['Agua mineral sin gas 2 l', 750, 6, SUMMER],
    ['Agua mineral sin gas 500 ml', 450, 8, HOT],
    ['Agua mineral con gas 1,5 l', 700, 2, SUMMER],
    ['Agua mineral bidón 6,25 l', 1600, 1.5, SUMMER],
    ['Soda en sifón 2 l', 650, 3, SUMMER],
    ['Gaseosa cola 2,25 l', 2400, 8, SUMMER],
    ['Gaseosa cola 500 ml', 1100, 6, HOT],
    ['Gaseosa cola sin azúcar 1,5 l', 1800, 2, SUMMER],
    ['Gaseosa lima-limón 2,25 l', 2100, 3, SUMMER],
    ['Gaseosa naranja 2,25 l', 2000, 2.5, SUMMER],
    ['Gaseosa pomelo 1,5 l', 1500, 2, SUMMER],
    ['Agua saborizada pomelo 1,5 l', 1200, 2.5, SUMMER],
    ['Agua saborizada manzana 1,5 l', 1200, 2, SUMMER],
    ['Jugo de naranja 1 l (cartón)', 1300, 1.5],
    ['Jugo en polvo sabor naranja (sobre)', 250, 5, HOT],
    ['Bebida isotónica 500 ml', 1000, 1.5, SUMMER],
    ['Bebida energizante lata 473 ml', 1500, 1.5],
    ['Cerveza rubia lata 473 ml', 1100, 9, HOT],
    ['Cerveza rubia botella 1 l', 1800, 5, HOT],
    ['Cerveza negra lata 473 ml', 1300, 1.5, SUMMER],
    ['Cerveza sin alcohol lata 473 ml', 1000, 0.5, SUMMER],
    ['Vino tinto malbec 750 ml', 3500, 2, WINTER],
    ['Vino tinto de mesa 1 l (tetra)', 1400, 3, WINTER],
    ['Vino blanco dulce 750 ml', 2500, 0.8],
    ['Vino espumante extra brut 750 ml', 5000, 0.2, HOT],
    ['Sidra 720 ml', 2200, 0.5, HOT],
    ['Fernet 750 ml', 9500, 1.5],
    ['Aperitivo amargo 750 ml', 4200, 0.5],
    ['Vodka 700 ml', 5000, 0.15],
  ],
  lácteos: [
    ['Leche entera 1 l sachet', 1000, 14, EXEMPT],
    ['Leche descremada 1 l sachet', 1000, 5, EXEMPT],
    ['Leche entera larga vida 1 l', 1300, 3, EXEMPT],
    ['Leche en polvo entera 800 g', 6500, 0.4, EXEMPT],
    ['Leche chocolatada 1 l', 1700, 1.5, WINTER],
    ['Leche de almendras 1 l', 2600, 0.25],
    ['Yogur bebible frutilla 1 l', 1800, 2.5],
    ['Yogur firme vainilla 190 g', 600, 3],
    ['Yogur con cereales 160 g', 900, 2],
    ['Queso crema 290 g', 2200, 2],
    ['Queso rallado 150 g', 2800, 1.2, WINTER],
    ['Ricota 500 g', 2400, 0.8],
    ['Manteca 200 g', 2300, 2],
    ['Margarina 200 g', 1300, 0.6],
    ['Crema de leche 200 ml', 1500, 1.2],
    ['Dulce de leche clásico 400 g', 2000, 2.5],
    ['Postre de chocolate 120 g', 700, 1.5],
    ['Flan de vainilla 120 g', 600, 1],
    ['Levadura fresca 50 g', 400, 0.8, WINTER],
  ],
  limpieza: [
    ['Lavandina 1 l', 700, 3],
    ['Lavandina 2 l', 1200, 1.5],
    ['Detergente lavavajillas 500 ml', 1200, 2.5],
    ['Detergente lavavajillas 750 ml', 1700, 1],
    ['Jabón en polvo para ropa 800 g', 3200, 1],
    ['Jabón líquido para ropa 3 l', 8000, 0.4],
    ['Suavizante para ropa 900 ml', 1800, 0.8],
    ['Limpiador líquido para pisos lavanda 900 ml', 1300, 1.5],
    ['Desinfectante en aerosol 360 ml', 3200, 0.5, WINTER],
    ['Limpiavidrios con gatillo 500 ml', 1600, 0.3],
    ['Esponja multiuso x 3', 900, 1],
    ['Lana de acero x 10', 700, 0.6],
    ['Rollo de cocina x 3', 2200, 1.5],
    ['Bolsas de residuos 50 x 70 x 10', 900, 2],
    ['Trapo de piso gris', 1000, 0.5],
    ['Insecticida en aerosol 360 ml', 3800, 0.6, HOT],
    ['Espirales mosquiteros x 12', 1600, 0.8, HOT],
    ['Desodorante de ambientes 360 ml', 2200, 0.4],
    ['Cera líquida para pisos 900 ml', 2500, 0.15],
    ['Guantes de látex talle M', 1500, 0.2],
  ],
  perfumería: [
    ['Papel higiénico doble hoja 4 x 30 m', 2300, 3],
    ['Papel higiénico hoja simple 4 x 80 m', 3000, 1.5],
    ['Shampoo 400 ml', 3500, 0.6],
    ['Acondicionador 400 ml', 3500, 0.4],
    ['Jabón de tocador x 3', 2200, 1],
    ['Jabón líquido para manos 250 ml', 1900, 0.5],
    ['Desodorante en aerosol para hombre 150 ml', 3000, 0.8, SUMMER],
    ['Desodorante en aerosol para mujer 150 ml', 3000, 0.7, SUMMER],
    ['Crema dental 90 g', 1800, 1.2],
    ['Cepillo de dientes medio', 1500, 0.3],
    ['Toallitas femeninas x 8', 1700, 0.8],
    ['Pañales talle G x 30', 14000, 0.25],
    ['Afeitadora descartable x 2', 1800, 0.25],
    ['Protector solar FPS 50 200 ml', 11000, 0.2, HOT],
    ['Repelente de insectos en aerosol 165 ml', 5500, 0.4, HOT],
    ['Hisopos x 100', 900, 0.2],
    ['Alcohol en gel 250 ml', 1600, 0.4, WINTER],
  ],
  fiambrería: [
    ['Jamón cocido (kg)', 12000, 2.2],
    ['Jamón crudo (kg)', 22000, 0.5],
    ['Paleta cocida (kg)', 8500, 1.5],
    ['Salame tipo milán (kg)', 16000, 0.6],
    ['Mortadela (kg)', 6500, 0.8],
    ['Salchichón primavera (kg)', 7500, 0.4],
    ['Bondiola curada (kg)', 24000, 0.25],
    ['Lomito ahumado (kg)', 20000, 0.2],
    ['Queso cremoso (kg)', 8500, 2.5],
    ['Queso de máquina tipo tybo (kg)', 11000, 1.8],
    ['Queso reggianito (kg)', 16000, 0.5],
    ['Queso sardo (kg)', 15000, 0.4],
    ['Queso port salut (kg)', 9500, 0.8],
    ['Queso azul (kg)', 14000, 0.25],
    ['Queso provolone (kg)', 15000, 0.3, SUMMER],
    ['Aceitunas verdes sueltas (kg)', 6000, 0.3, SUMMER],
  ],
  verdulería: [
    ['Papa (kg)', 500, 9],
    ['Cebolla (kg)', 600, 5],
    ['Zanahoria (kg)', 700, 3],
    ['Tomate perita (kg)', 1200, 4, SUMMER],
    ['Tomate redondo (kg)', 1300, 2, SUMMER],
    ['Lechuga criolla (kg)', 1500, 1.5, HOT],
    ['Zapallito redondo (kg)', 900, 1.5, SUMMER],
    ['Zapallo anco (kg)', 600, 2, WINTER],
    ['Batata (kg)', 800, 1.5, WINTER],
    ['Acelga (kg)', 1200, 1, WINTER],
    ['Morrón rojo (kg)', 3000, 0.8],
    ['Ajo (kg)', 4500, 0.2],
    ['Limón (kg)', 900, 1],
    ['Naranja de jugo (kg)', 700, 3, WINTER],
    ['Mandarina (kg)', 900, 2, WINTER],
    ['Manzana roja (kg)', 1500, 2.5],
    ['Banana (kg)', 1300, 4],
    ['Pera (kg)', 1400, 1],
    ['Durazno (kg)', 1800, 1.5, HOT],
    ['Palta (kg)', 4500, 0.4],
  ],
  panadería: [
    ['Pan francés (kg)', 1600, 7, { ...EXEMPT, unit: 'kg' }],
    ['Pan lactal blanco 390 g', 2000, 2],
    ['Pan lactal integral 390 g', 2200, 0.8],
    ['Pan de hamburguesa x 4', 1400, 1, SUMMER],
    ['Pan para panchos x 6', 1100, 1, SUMMER],
    ['Medialunas de manteca x 6', 2000, 2, WINTER],
    ['Bizcochitos de grasa 200 g', 1000, 2, WINTER],
    ['Tostadas clásicas 200 g', 1300, 0.5],
    ['Budín de vainilla 215 g', 1200, 0.6],
    ['Prepizza x 2', 1500, 1],
    ['Tapas para empanadas x 12', 1300, 1.5, WINTER],
    ['Pan dulce con frutas 400 g', 3000, 0.2, HOT],
  ],
  congelados: [
    ['Helado de crema americana 1 kg', 4500, 1.5, HOT],
    ['Helado de dulce de leche 1/4 kg', 1800, 1.5, HOT],
    ['Palito helado de agua', 500, 4, HOT],
    ['Bombón helado', 900, 2, HOT],
    ['Hielo en cubos bolsa 2 kg', 700, 2.5, HOT],
    ['Hamburguesas de carne x 4', 2800, 2, SUMMER],
    ['Medallones de pollo x 4', 2300, 1.2],
    ['Bastones de pescado x 10', 3200, 0.3],
    ['Nuggets de pollo 400 g', 3200, 0.8],
    ['Papas fritas congeladas 700 g', 2800, 1],
    ['Espinaca congelada 500 g', 1800, 0.4, WINTER],
    ['Empanadas de carne congeladas x 12', 5500, 0.4, WINTER],
    ['Pizza congelada de muzzarella', 3000, 0.6],
    ['Ravioles de ricota congelados 500 g', 2600, 0.5, WINTER],
  ],
  kiosco: [
    ['Alfajor triple chocolate', 800, 10],
    ['Alfajor de maicena', 500, 4],
    ['Chocolate con leche 100 g', 2200, 1.5, WINTER],
    ['Chocolate semiamargo 100 g', 2400, 0.5, WINTER],
    ['Caramelos masticables frutales 150 g', 900, 1],
    ['Chicles de menta (paquete)', 400, 3],
    ['Pastillas de menta (rollo)', 350, 2],
    ['Papas fritas snack 90 g', 1500, 2.5, SUMMER],
    ['Palitos salados 120 g', 1100, 1.5, SUMMER],
    ['Maní salado 120 g', 1000, 1.2, SUMMER],
    ['Galletitas rellenas de chocolate 118 g', 700, 4],
    ['Obleas bañadas en chocolate', 400, 2],
    ['Turrón de maní', 300, 3],
    ['Barra de cereal', 450, 1.5],
    ['Chupetín frutal', 150, 3],
    ['Fósforos de madera (caja)', 250, 0.8, WINTER],
    ['Encendedor descartable', 700, 0.6],
    ['Pilas alcalinas AA x 2', 2500, 0.2],
  ],
};

export interface SupplierRow {
  name: string;
  /** Reserved `.example` mail domain: demo data must never email a real business. */
  mailbox: string;
  street: string;
  city: string;
  province: string;
  /** Argentine area code without the trunk 0; subscriber digits = 10 - its length. */
  areaCode: string;
  categories: readonly DemoCategory[];
}

export const SUPPLIER_ROWS: readonly SupplierRow[] = [
  { name: 'Distribuidora Río Cuarto S.A.', mailbox: 'ventas@distribuidora-riocuarto.example', street: 'Av. Sabattini 2150', city: 'Río Cuarto', province: 'Córdoba', areaCode: '358', categories: ['almacén', 'kiosco'] },
  { name: 'Alimentos del Litoral Santafesino S.R.L.', mailbox: 'pedidos@alimentos-litoral.example', street: 'Av. Aristóbulo del Valle 6820', city: 'Santa Fe', province: 'Santa Fe', areaCode: '342', categories: ['almacén', 'congelados'] },
  { name: 'Lácteos Cuenca Lechera Rafaelina S.A.', mailbox: 'comercial@lacteos-cuenca.example', street: 'Bv. Santa Fe 1455', city: 'Rafaela', province: 'Santa Fe', areaCode: '3492', categories: ['lácteos'] },
  { name: 'Bebidas y Sodas del Sudeste S.A.', mailbox: 'ventas@bebidas-sudeste.example', street: 'Av. Mitre 3340', city: 'Avellaneda', province: 'Buenos Aires', areaCode: '11', categories: ['bebidas'] },
  { name: 'Bodega Cerro de los Arrieros S.A.', mailbox: 'distribucion@cerro-arrieros.example', street: 'Ruta Provincial 15 km 29', city: 'Luján de Cuyo', province: 'Mendoza', areaCode: '261', categories: ['bebidas'] },
  { name: 'Higiene Integral Lanús S.R.L.', mailbox: 'ventas@higiene-lanus.example', street: 'Av. Hipólito Yrigoyen 4410', city: 'Lanús', province: 'Buenos Aires', areaCode: '11', categories: ['limpieza', 'perfumería'] },
  { name: 'Fiambres Serranos de Tandil S.A.', mailbox: 'pedidos@fiambres-serranos.example', street: 'Av. Colón 1870', city: 'Tandil', province: 'Buenos Aires', areaCode: '249', categories: ['fiambrería', 'lácteos'] },
  { name: 'Frutihortícola Quinta Los Álamos S.R.L.', mailbox: 'ventas@quinta-losalamos.example', street: 'Autopista Riccheri y Boulogne Sur Mer, Nave 4', city: 'Tapiales', province: 'Buenos Aires', areaCode: '11', categories: ['verdulería'] },
  { name: 'Panificadora Espiga del Oeste S.R.L.', mailbox: 'pedidos@espiga-oeste.example', street: 'Av. Rivadavia 18250', city: 'Morón', province: 'Buenos Aires', areaCode: '11', categories: ['panadería'] },
  { name: 'Frío Austral Congelados S.A.', mailbox: 'ventas@frio-austral.example', street: 'Av. Juan B. Justo 2960', city: 'Mar del Plata', province: 'Buenos Aires', areaCode: '223', categories: ['congelados', 'lácteos', 'fiambrería'] },
  { name: 'Golosinas del Jardín Tucumano S.A.', mailbox: 'comercial@golosinas-jardin.example', street: 'Av. Mate de Luna 2480', city: 'San Miguel de Tucumán', province: 'Tucumán', areaCode: '381', categories: ['kiosco', 'panadería'] },
  { name: 'Droguería y Perfumería Confluencia S.R.L.', mailbox: 'ventas@drogueria-confluencia.example', street: 'Av. Olascoaga 780', city: 'Neuquén', province: 'Neuquén', areaCode: '299', categories: ['perfumería', 'limpieza', 'almacén'] },
];

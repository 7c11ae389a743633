// Generates docs/privacy/privacy-policy.es.md: the privacy policy the shop publishes (in Spanish),
// filled from the configuration (controller, retention periods) and the declarations (what data,
// why, with whom). Unset controller values appear as placeholders to complete.
import type { Config } from '../../config.ts';
import { DATA_CLASSES, DATA_CLASS_KEYS, LEGAL_BASES, fieldsByClass, RECIPIENTS } from './personal-data.ts';
import { retentionRuleText } from './retention-policy.ts';
import { GENERATED_NOTICE } from './docs-records.ts';

const unique = <T>(list: T[]) => [...new Set(list)];

// Classes that describe people outside the shop's staff come first: they are who reads the policy.
const PUBLIC_ORDER = ['customer_identity', 'customer_preferences', 'supplier_contacts', 'fiscal_documents'] as const;

export function privacyPolicyEsMd(config: Config): string {
  const c = config.privacy.controller;
  const name = c.name ?? '[RAZÓN SOCIAL DEL COMERCIO]';
  const email = c.email ?? '[EMAIL DE CONTACTO]';
  const r = config.privacy.retention;
  const byClass = fieldsByClass();
  const section = (key: (typeof DATA_CLASS_KEYS)[number]) => {
    const fields = byClass.get(key) ?? [];
    return [
      `### ${DATA_CLASSES[key]}`,
      '',
      `- **Para qué:** ${unique(fields.map((f) => f.purpose)).join('; ')}.`,
      `- **Base legal:** ${unique(fields.map((f) => LEGAL_BASES[f.legalBasis])).join('; ')}.`,
      `- **Cuánto tiempo:** ${unique(fields.map((f) => retentionRuleText(f.retention, config))).join('; ')}.`,
      `- **Quién accede:** ${unique(fields.flatMap((f) => f.recipients)).map((x) => RECIPIENTS[x]).join('; ') || 'solo el sistema'}.`,
      '',
    ];
  };
  const staffClasses = DATA_CLASS_KEYS.filter((k) => !(PUBLIC_ORDER as readonly string[]).includes(k));
  return [
    GENERATED_NOTICE('the configuration and src/modules/privacy/personal-data.ts'),
    '# Política de privacidad',
    '',
    `**${name}**${c.cuit ? ` (CUIT ${c.cuit})` : ' (CUIT [CUIT])'}, con domicilio en ${c.address ?? '[DOMICILIO]'}, es responsable de los`,
    'datos personales que se tratan en su sistema de gestión de stock, compras y clientes, conforme a la Ley 25.326',
    'de Protección de los Datos Personales, su decreto reglamentario 1558/2001 y, para quienes residan en la Unión',
    'Europea, el Reglamento (UE) 2016/679 (RGPD).',
    '',
    `Consultas y pedidos sobre sus datos: **${email}**, o personalmente en el comercio.`,
    '',
    '## Qué datos tratamos y por qué',
    '',
    ...PUBLIC_ORDER.flatMap((k) => section(k)),
    '### Personal del comercio',
    '',
    'De quienes trabajan en el comercio y usan el sistema tratamos:',
    ...staffClasses.map((k) => `- ${DATA_CLASSES[k]}: ${unique((byClass.get(k) ?? []).map((f) => f.purpose)).join('; ')}.`),
    '',
    '## Comunicaciones comerciales',
    '',
    'Solo enviamos promociones a quien dio su consentimiento expreso, y registramos cuándo y por qué medio lo dio.',
    'Puede retirarlo en cualquier momento, por el mismo medio y con la misma facilidad con que lo dio; también puede',
    'oponerse a todo uso de sus datos con fines de publicidad (Ley 25.326 art. 27; RGPD art. 21).',
    '',
    '## Cuánto tiempo conservamos los datos',
    '',
    `- Clientes: mientras haya actividad; tras **${r.customersInactiveYears} años** sin actividad los datos se anonimizan automáticamente.`,
    `- Comprobantes de compra y registros contables: **10 años** (Código Civil y Comercial art. 328); los archivos de facturas, ${r.invoiceFilesYears} años.`,
    `- Registros de seguridad (auditoría): ${r.auditEventsYears} años.`,
    `- Copias de seguridad: cifradas; se conservan ${config.backup.retention.daily} diarias, ${config.backup.retention.weekly} semanales y ${config.backup.retention.monthly} mensuales. Quien pidió la supresión no puede ser leído en ellas: se destruye su clave y el sistema se niega a usarla aunque una copia anterior la conserve.`,
    '',
    'El detalle está en la política de retención del sistema, que el programa aplica tal como está escrita.',
    '',
    '## Con quién compartimos los datos',
    '',
    'No vendemos ni cedemos datos personales. Pueden acceder: el personal autorizado según su función; ARCA/AFIP u',
    'otra autoridad cuando la ley lo exige; y, si corresponde, el proveedor del servidor o de las copias de',
    'seguridad, que solo guarda datos cifrados y actúa por cuenta nuestra. No hacemos transferencias internacionales',
    'salvo que se indique aquí el proveedor y las garantías del art. 12 de la Ley 25.326.',
    '',
    '## Cómo protegemos los datos',
    '',
    'Los datos de clientes se guardan cifrados campo por campo, con una clave propia de cada persona; las búsquedas',
    'usan índices que no revelan el dato; cada lectura, cambio, exportación y supresión queda registrada en un',
    'registro de auditoría que no puede alterarse sin que se note; el acceso depende del rol de cada persona.',
    '',
    '## Sus derechos',
    '',
    '- **Acceso:** saber qué datos suyos tenemos. Respondemos dentro de los 10 días corridos (Ley 25.326 art. 14).',
    '- **Rectificación, actualización y supresión:** dentro de los 5 días hábiles (Ley 25.326 art. 16). Si la ley nos',
    '  obliga a conservar algo (por ejemplo, un comprobante fiscal o una deuda pendiente), le informamos qué se',
    '  borra, qué se conserva, por qué y hasta cuándo.',
    '- **Portabilidad:** recibir sus datos en un archivo de formato común (RGPD art. 20).',
    '- **Limitación y oposición:** pedir que no usemos sus datos para publicidad o que limitemos su uso.',
    '- **Retiro del consentimiento:** en cualquier momento, sin efecto sobre lo hecho antes.',
    '',
    `Para ejercerlos escriba a ${email} o acérquese al comercio con su documento. Ejercerlos no tiene costo: la`,
    'rectificación, actualización o supresión se hace sin cargo alguno (Ley 25.326 art. 19).',
    '',
    'El titular de los datos personales tiene la facultad de ejercer el derecho de acceso a los mismos en forma',
    'gratuita a intervalos no inferiores a seis meses, salvo que se acredite un interés legítimo al efecto conforme lo',
    'establecido en el artículo 14, inciso 3 de la Ley Nº 25.326.',
    '',
    'La AGENCIA DE ACCESO A LA INFORMACIÓN PÚBLICA, en su carácter de Órgano de Control de la Ley Nº 25.326, tiene la',
    'atribución de atender las denuncias y reclamos que interpongan quienes resulten afectados en sus derechos por',
    'incumplimiento de las normas vigentes en materia de protección de datos personales.',
    '',
    '## Incidentes de seguridad',
    '',
    'Si ocurre un incidente que afecte sus datos, lo registramos, lo informamos a la autoridad de control dentro de',
    'las 72 horas de detectado y, si el riesgo para usted es alto, se lo comunicamos directamente.',
    '',
    '## Cambios a esta política',
    '',
    'Publicaremos aquí cualquier cambio. Versión vigente: [FECHA DE PUBLICACIÓN].',
    '',
  ].join('\n');
}

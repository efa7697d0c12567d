/** The sample files the benchmark writes to the inbox: small JSON documents, one per index. */

/** A small JSON document, about 200 bytes, different for each index. */
export function sampleDocument(index: number): string {
  return JSON.stringify({
    invoice: `INV-${String(index).padStart(7, '0')}`,
    customer: `customer-${index % 97}`,
    lines: [
      { sku: 'A-100', quantity: (index % 5) + 1, price: 12.5 },
      { sku: 'B-200', quantity: (index % 3) + 1, price: 7.25 },
    ],
    currency: 'EUR',
  });
}

/** The key of the `index`th file under a prefix, e.g. `burst/invoice-0000042.json`. */
export const fileKey = (prefix: string, index: number): string =>
  `${prefix}/invoice-${String(index).padStart(7, '0')}.json`;

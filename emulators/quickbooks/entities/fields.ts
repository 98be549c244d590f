/**
 * Field schemas shared by the entities (`ReferenceType`, `EmailAddress`, `TelephoneNumber`, `PhysicalAddress` in
 * Intuit's v3 XSD, https://github.com/intuit/QuickBooks-V3-Java-SDK/tree/develop/ipp-v3-java-data/src/main/xsd;
 * max lengths from the entity reference pages). Numbers may arrive as numeric strings: QBO's JSON binding coerces
 * them, so the emulator does too.
 */
import { z } from 'zod';

export const str = (max: number) => z.string().max(max, `longer than ${max} characters`);

export const money = z.union([
  z.number(),
  z
    .string()
    .regex(/^-?\d+(\.\d+)?$/)
    .transform(Number),
]);

export const bool = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);

/** `{"value": "<Id>", "name"?: ...}`; only `value` matters on input (XSD `ReferenceType`, linked above). */
export const ref = z
  .object({ value: z.union([z.string().min(1), z.number().transform(String)]), name: z.string().optional(), type: z.string().optional() })
  .strict();

export const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

export const email = z.object({ Id: z.string().optional(), Address: str(100), Default: bool.optional(), Tag: z.string().optional() }).strict();

export const phone = z.object({ Id: z.string().optional(), FreeFormNumber: str(30), Default: bool.optional(), Tag: z.string().optional() }).strict();

export const web = z.object({ URI: str(1000), Default: bool.optional(), Tag: z.string().optional() }).strict();

export const address = z
  .object({
    Id: z.string().optional(),
    Line1: str(500).optional(),
    Line2: str(500).optional(),
    Line3: str(500).optional(),
    Line4: str(500).optional(),
    Line5: str(500).optional(),
    City: str(255).optional(),
    Country: str(255).optional(),
    CountryCode: z.string().optional(),
    County: z.string().optional(),
    CountrySubDivisionCode: str(255).optional(),
    PostalCode: str(30).optional(),
    PostalCodeSuffix: z.string().optional(),
    Lat: z.string().optional(),
    Long: z.string().optional(),
    Tag: z.string().optional(),
    Note: z.string().optional(),
  })
  .strict();

export const memo = z.object({ value: str(1000) }).strict();

export type FieldSchemas = Record<string, z.ZodType>;

import { z } from 'zod';

/** Shared API shapes. Registered schemas become named OpenAPI components. */
export const ProblemSchema = z
  .object({
    type: z.string().describe('A URI reference naming the problem type, e.g. /problems/validation.'),
    title: z.string().describe('Short summary of the problem type.'),
    status: z.number().int().describe('The HTTP status code.'),
    detail: z.string().describe('What went wrong, for a person.'),
    instance: z.string().describe('The request path.'),
    requestId: z.string().describe('The id of this request, as logged.'),
    errors: z
      .array(
        z.object({
          in: z.string().describe('query, path, body, header, or the file (for import rows).'),
          path: z.string().describe('The parameter or field, or line and field for files.'),
          message: z.string(),
        }),
      )
      .optional()
      .describe('One entry per invalid parameter or field.'),
  })
  .passthrough()
  .meta({ id: 'Problem', description: 'An RFC 9457 problem details object.' });

export const PageQuery = {
  limit: z.coerce.number().int().min(1).max(500).default(50).describe('Items per page, 1–500.'),
  cursor: z.string().max(2000).optional().describe('The opaque `nextCursor` of the previous page.'),
};

export function pageOf<T extends z.ZodTypeAny>(item: T, id: string) {
  return z
    .object({
      items: z.array(item),
      nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page.'),
      total: z.number().int().describe('Rows matching the filters, over all pages.'),
    })
    .meta({ id });
}

/** A query parameter that may be repeated (`?country=KE&country=UG`) or comma-separated. */
export const multi = <T extends z.ZodTypeAny>(item: T) =>
  z.preprocess((v) => {
    if (v === undefined) return undefined;
    const arr = Array.isArray(v) ? v : [v];
    return arr.flatMap((x) => String(x).split(',')).map((s) => s.trim()).filter(Boolean);
  }, z.array(item).min(1).optional());

export const booleanQuery = z.preprocess(
  (v) => (v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : v),
  z.boolean(),
);

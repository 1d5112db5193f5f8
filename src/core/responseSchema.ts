/**
 * Compiles the JSON Schema of an `expect.schema` with ajv (draft 2020-12) for the checker
 * (docs/architecture.md, "Expectations"). Its own module, passed to the checker as a port, so ajv's
 * compiler is loaded only by what sends: the CLI's send and test, and the editor's lazily loaded send stack.
 */
import Ajv2020 from 'ajv/dist/2020';
import type { CompiledSchema } from './expect';

// Kept by the schema's text: a run over many samples compiles each schema once.
const compiled = new Map<string, CompiledSchema>();

/** A checker of bodies against `schema`, or why the schema cannot be used. Never throws. */
export function compileResponseSchema(schema: unknown): CompiledSchema {
  const key = JSON.stringify(schema) ?? '';
  const known = compiled.get(key);
  if (known) return known;
  let entry: CompiledSchema;
  try {
    const validate = new Ajv2020({ allErrors: false, strict: false, validateFormats: false }).compile(schema as object);
    entry = {
      check: (data) => {
        if (validate(data)) return undefined;
        const first = validate.errors?.[0];
        return `${first?.instancePath || '(the body)'} ${first?.message ?? 'does not match'}`;
      },
    };
  } catch (error) {
    entry = { error: error instanceof Error ? error.message : String(error) };
  }
  if (compiled.size >= 100) compiled.clear();
  compiled.set(key, entry);
  return entry;
}

import { Kind, parse } from 'graphql';

/**
 * The `operationName` to send with a document, decided from the document itself.
 *
 * GraphiQL works the name out from its editor 100 ms after each change, so a run started right
 * after an example was chosen carried the previous example's name, and the gateway refused the
 * request (a name the document does not define). A name the document defines is kept (the caller
 * picked one of several operations); otherwise a document with one operation runs that one, and a
 * document with several is sent without a name so the gateway asks which one.
 */
export function operationNameFor(query: string, operationName: string | null | undefined): string | undefined {
  let names: (string | undefined)[];
  try {
    names = parse(query).definitions.flatMap((definition) =>
      definition.kind === Kind.OPERATION_DEFINITION ? [definition.name?.value] : [],
    );
  } catch {
    // Not a document: the gateway reports the syntax error, whatever the name.
    return operationName ?? undefined;
  }
  if (operationName && names.includes(operationName)) return operationName;
  return names.length === 1 ? names[0] : undefined;
}

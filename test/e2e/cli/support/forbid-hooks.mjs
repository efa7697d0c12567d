// Module resolution hooks (see forbid-modules.mjs).
let forbidden = [];

export function initialize(data) {
  forbidden = data.forbidden;
}

export async function resolve(specifier, context, nextResolve) {
  if (forbidden.some((name) => specifier === name || specifier.startsWith(`${name}/`))) {
    throw new Error(`forbidden module imported: ${specifier} (from ${context.parentURL})`);
  }
  return nextResolve(specifier, context);
}

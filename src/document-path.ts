/** `scenarios[1].rate: ` for a path of keys in a document, empty for the root; used in every message about a field. */
export function formatPath(keys: readonly (string | number)[]): string {
  if (keys.length === 0) return ''
  let text = ''
  for (const key of keys) text += typeof key === 'number' ? `[${key}]` : text === '' ? key : `.${key}`
  return `${text}: `
}

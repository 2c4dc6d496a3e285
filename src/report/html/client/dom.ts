// Building elements from the page's data. Words are always set as text, never as markup, so names
// from a results file cannot inject anything.

/** A new element with an optional class and text. */
export function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag)
  if (className !== undefined) node.className = className
  if (text !== undefined) node.textContent = text
  return node
}

// report.html's differential flame graph (an icicle: the root on top, callees below). Each box is a
// call path; its width is the head's CPU per request, its colour the change since the base (red grew,
// blue shrank, grey unchanged), as in Brendan Gregg's differential flame graphs. Drawn with plain
// elements, every name set as text; hovering a box shows its numbers, clicking zooms into it.
import type { FlameNodeSpec, FlameSpec } from '../page-types.js'

/** What the tests read back from each flame graph drawn (window.cannonadeFlames). */
interface DrawnFlame {
  readonly id: string
  /** Boxes drawn. */
  boxes: number
  /** Names of the boxes drawn red (grew), largest change of their own (children's taken out) first. */
  grew: string[]
}

declare global {
  interface Window {
    cannonadeFlames?: DrawnFlame[]
  }
}

const ROW_PX = 18
const MIN_BOX_PX = 1

function microseconds(us: number): string {
  return us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(us >= 10 ? 0 : 1)} µs`
}

/** Red for growth, blue for shrinkage, stronger the larger the change relative to the box. */
function colour(node: FlameNodeSpec): string {
  const wider = Math.max(node.base, node.head)
  const change = wider > 0 ? (node.head - node.base) / wider : 0
  const strength = Math.min(1, Math.abs(change) * 2)
  const light = Math.round(92 - 37 * strength)
  if (Math.abs(change) < 0.05) return 'hsl(220, 8%, 85%)'
  return change > 0 ? `hsl(4, 80%, ${light}%)` : `hsl(214, 80%, ${light}%)`
}

function depthOf(node: FlameNodeSpec): number {
  let deepest = 0
  for (const child of node.children) deepest = Math.max(deepest, depthOf(child))
  return deepest + 1
}

/** Draws `spec` at the end of `container`; records it in window.cannonadeFlames. */
export function drawFlame(
  spec: FlameSpec,
  container: HTMLElement,
  renderTable: (table: NonNullable<FlameSpec['table']>) => HTMLElement,
): void {
  const card = document.createElement('figure')
  card.className = 'flame'
  card.dataset['flameId'] = spec.id
  const title = document.createElement('figcaption')
  title.className = 'chart-title'
  title.textContent = spec.title
  const caption = document.createElement('p')
  caption.className = 'chart-caption'
  caption.textContent = spec.caption
  card.append(title, caption)
  if (spec.table !== undefined) card.append(renderTable(spec.table))
  const detail = document.createElement('p')
  detail.className = 'flame-detail'
  detail.textContent = 'Hover a box for its numbers; click to zoom in, click the top row to zoom out.'
  const plot = document.createElement('div')
  plot.className = 'flame-plot'
  card.append(detail, plot)
  container.append(card)
  const drawn: DrawnFlame = { id: spec.id, boxes: 0, grew: [] }
  const flames = (window.cannonadeFlames ??= [])
  flames.push(drawn)

  const draw = (focus: FlameNodeSpec, path: readonly FlameNodeSpec[]): void => {
    plot.replaceChildren()
    const width = Math.max(300, plot.clientWidth || 900)
    plot.style.height = `${(depthOf(focus) + path.length) * ROW_PX}px`
    const total = focus.head > 0 ? focus.head : Math.max(focus.base, 1e-9)
    let boxes = 0
    const grew: { name: string; change: number }[] = []
    const box = (node: FlameNodeSpec, x: number, w: number, row: number, onClick: () => void): void => {
      const el = document.createElement('div')
      el.className = 'flame-box'
      el.style.left = `${x}px`
      el.style.top = `${row * ROW_PX}px`
      el.style.width = `${Math.max(MIN_BOX_PX, w - 1)}px`
      el.style.background = colour(node)
      el.textContent = w > 40 ? node.name : ''
      const change = node.head - node.base
      el.title = `${node.name}\nbase ${microseconds(node.base)} → head ${microseconds(node.head)} per request (${change >= 0 ? '+' : '−'}${microseconds(Math.abs(change))})`
      el.addEventListener('mouseenter', () => (detail.textContent = el.title.replace('\n', ': ')))
      el.addEventListener('click', onClick)
      plot.append(el)
      boxes++
      // Ranked by the box's own change (its children's taken out), so that a grown leaf outranks the
      // callers whose inclusive time grew with it.
      const own = change - node.children.reduce((sum, c) => sum + (c.head - c.base), 0)
      if (own > 0 && colour(node).startsWith('hsl(4')) grew.push({ name: node.name, change: own })
    }
    // The path from the root to the focus, full width, to zoom back out.
    path.forEach((node, row) => box(node, 0, width, row, () => draw(node, path.slice(0, row))))
    const place = (node: FlameNodeSpec, x: number, row: number, trail: readonly FlameNodeSpec[]): void => {
      const w = (node.head / total) * width
      if (w < MIN_BOX_PX) return
      box(node, x, w, row, () => draw(node, trail))
      let at = x
      for (const child of node.children) {
        place(child, at, row + 1, [...trail, node])
        at += (child.head / total) * width
      }
    }
    place(focus, 0, path.length, path)
    drawn.boxes = boxes
    drawn.grew = grew.sort((a, b) => b.change - a.change).map((g) => g.name)
  }
  draw(spec.root, [])
}

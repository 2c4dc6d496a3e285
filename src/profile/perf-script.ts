// `perf script` text (from `perf record -g -e cpu-clock`) folded to collapsed stacks. perf prints one
// sample as a header line (`comm tid period event:`) and its frames, leaf first, one a line, indented:
// `address symbol (object)`. Frames of JIT-compiled code are named from the runtime's perf map:
// Node with --perf-basic-prof writes `JS:*name file:line:column`, Python 3.12+ with -X perf
// `py::name:file`; both are turned back into a name, a file and a line.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { WindowUs } from './cpuprofile.js'
import { Folder, type FoldedProfile, type Frame } from './folded.js'

/** The fields `perf script` is asked for, so that the parser sees the lines it expects. */
export const PERF_SCRIPT_FIELDS = 'comm,tid,time,period,event,ip,sym,dso'

function relativeTo(root: string | undefined, file: string): string {
  let plain = file
  if (file.startsWith('file://')) {
    try {
      plain = fileURLToPath(file)
    } catch {
      return file
    }
  }
  if (root === undefined || !path.isAbsolute(plain)) return plain
  const relative = path.relative(root, plain)
  return relative.startsWith('..') || path.isAbsolute(relative) ? plain : relative
}

/** One frame line's symbol and object as a Frame. */
export function perfFrame(symbol: string, object: string, root?: string): Frame {
  // V8's perf map: `JS:*burn file:///app/server.mjs:47:14` (`*` optimised, `~`/`^` not yet).
  // The name may hold spaces (a method named 'GET /checkout') or be empty; the file is the last word.
  const js = /^(?:[A-Za-z]+:)?[*~^+-]?(?:(.*) )?(\S+?):(\d+)(?::\d+)?$/.exec(symbol)
  if (js !== null && object.includes('perf-')) {
    const [, name = '', file = '', line = '0'] = js
    return { name: name === '' ? '(anonymous)' : name, file: relativeTo(root, file), line: Number(line) }
  }
  // CPython's perf trampolines: `py::price_basket:/app/main.py`.
  const py = /^py::([^:]+):(.+)$/.exec(symbol)
  if (py !== null) {
    const [, name = '', file = ''] = py
    return { name, file: relativeTo(root, file) }
  }
  // A native symbol: the name is enough, the object says where (`libcrypto.so.3`, `[kernel.kallsyms]`).
  const where = object === '' || object === '[unknown]' ? undefined : path.basename(object)
  if (symbol === '[unknown]' || symbol === '') return { name: '[unknown]', ...(where === undefined ? {} : { file: where }) }
  return { name: symbol.replace(/\+0x[0-9a-f]+$/, ''), ...(where === undefined ? {} : { file: where }) }
}

/**
 * Folds `perf script -F comm,tid,time,period,event,ip,sym,dso` output. Each sample weighs its period
 * (ns of cpu-clock, made µs), or `defaultSampleUs` when the header has none. With `window`, only the
 * samples whose time (seconds of the monotonic clock: `perf record -k monotonic`) falls in it count.
 * Files under `root` are made relative to it.
 */
export function foldPerfScript(
  text: string,
  options: { readonly root?: string; readonly defaultSampleUs: number; readonly window?: WindowUs },
): FoldedProfile {
  const folder = new Folder().period(options.defaultSampleUs)
  let frames: Frame[] = []
  let weightUs = 0
  let inSample = false
  const window = options.window
  const flush = (): void => {
    if (inSample) folder.add([...frames].reverse(), weightUs)
    frames = []
    inSample = false
  }
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      flush()
      continue
    }
    if (!/^\s/.test(line)) {
      flush()
      // `comm tid time: period event:`; comm may hold spaces, so the fields are read from the end.
      const time = /\s(\d+\.\d+):\s/.exec(line)
      const atUs = time === null ? undefined : Number(time[1]) * 1e6
      inSample = window === undefined || (atUs !== undefined && atUs >= window.fromUs && atUs <= window.toUs)
      const period = /\s(\d+)\s+[\w:-]+:\s*$/.exec(line)
      weightUs = period === null ? options.defaultSampleUs : Number(period[1]) / 1000
      continue
    }
    const frame = /^\s+[0-9a-f]+\s+(.*?)\s+\((.*)\)\s*$/.exec(line)
    if (frame === null) continue
    const [, symbol = '', object = ''] = frame
    frames.push(perfFrame(symbol, object, options.root))
  }
  flush()
  return folder.result()
}

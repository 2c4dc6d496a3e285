// A load thread: runs one round on its share of an entry's connections when the coordinating thread
// (src/load/threads.ts) says so, opens and closes its measured window on that thread's word, and
// sends back what it measured. Bundled as dist/load-worker.js.
import { parentPort, workerData } from 'node:worker_threads'
import { startMetronome } from './metronome.js'
import { runRound } from './round.js'
import type { LoadReply, LoadRequest } from './threads.js'

const port = parentPort
if (port !== null) {
  let openWindow = (): void => {}
  let closeWindow = (): void => {}
  const begin = new Promise<void>((resolve) => (openWindow = resolve))
  const finish = new Promise<void>((resolve) => (closeWindow = resolve))
  const send = (message: LoadReply): void => port.postMessage(message)
  port.on('message', (request: LoadRequest) => {
    if (request.type === 'begin') openWindow()
    else if (request.type === 'finish') closeWindow()
    else {
      runRound(request.spec, { control: { begin, finish } }).then(
        (measurement) => send({ type: 'result', measurement }),
        (error: unknown) => send({ type: 'failed', message: error instanceof Error ? error.message : String(error) }),
      )
    }
  })
  // A paced round's metronome thread starts before the round does: started within the round, it
  // took the CPU this thread needed for its first requests (on a loaded machine, hundreds of ms).
  const paced = typeof workerData === 'object' && workerData !== null && Reflect.get(workerData, 'paced') === true
  void (paced ? startMetronome() : Promise.resolve()).then(() => send({ type: 'ready' }))
}

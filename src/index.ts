// The action's entry point: the runner executes dist/index.js, which only starts run().
import { run } from './main.js'

await run()

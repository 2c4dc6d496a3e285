// A crafted artifact: a zip that holds one name twice, as no honest upload does.
import { createZip } from '../e2e/fake-github.js'

/**
 * A zip holding `name` twice, `first` then `second`: written under a placeholder name of the same
 * length, then renamed in the local and central headers.
 */
export async function zipWithTwice(name: string, first: string, second: string): Promise<Buffer> {
  const placeholder = `${name.slice(0, -1)}~`
  const zip = await createZip({ [name]: first, [placeholder]: second })
  return Buffer.from(zip.toString('latin1').replaceAll(placeholder, name), 'latin1')
}

// Validates a JUnit XML report against the JUnit schema of the format CI servers read
// (__fixtures__/junit/junit.xsd, written for these tests), with libxml2's xmllint compiled to WebAssembly.
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { validateXML } from 'xmllint-wasm'

/** The schema's complaints about `xml`; empty when it is valid. */
export async function junitSchemaErrors(xml: string): Promise<string[]> {
  const xsd = await readFile(path.resolve(import.meta.dirname, '../../__fixtures__/junit/junit.xsd'), 'utf8')
  const result = await validateXML({
    xml: [{ fileName: 'report.xml', contents: xml }],
    schema: [{ fileName: 'junit.xsd', contents: xsd }],
  })
  return result.valid ? [] : result.errors.map((e) => e.rawMessage)
}

// The words for a profiled entry (src/report/cpu-profile.ts): what grew most, when the profiled
// rounds' own total says the app's CPU did not grow, and the line that says the times were scaled
// to one machine speed.
import { describe, expect, it } from 'vitest'
import { diffProfiles } from '../../src/profile/diff.js'
import { Folder, type FoldedProfile } from '../../src/profile/folded.js'
import type { CpuProfileReport, EntryProfile } from '../../src/profile/index.js'
import { profileFacts, profileSummary } from '../../src/report/cpu-profile.js'

/** A profile of `requests` requests with these self times per request (µs). */
function profile(selfUsPerRequest: Record<string, number>, requests: number): FoldedProfile {
  const folder = new Folder().period(1000)
  for (const [name, us] of Object.entries(selfUsPerRequest)) folder.add([{ name: 'main' }, { name }], us * requests)
  return folder.result()
}

const report: CpuProfileReport = { profiler: 'node --cpu-prof', entries: [] }

function entry(
  head: Record<string, number>,
  extra: Partial<EntryProfile> = {},
  speeds: { base?: number; head?: number; slope?: number } = {},
): EntryProfile {
  const diff = diffProfiles(
    {
      profile: profile({ priceBasket: 300, send: 100 }, 1000),
      requests: 1000,
      ...(speeds.base === undefined ? {} : { speedUs: speeds.base }),
    },
    { profile: profile(head, 1000), requests: 1000, ...(speeds.head === undefined ? {} : { speedUs: speeds.head }) },
    speeds.slope === undefined ? {} : { speedSlope: speeds.slope },
  )
  return { key: 'basket @ 4 conn', diff, files: [], ...extra }
}

describe('a profiled entry in words', () => {
  it('names what grew most, with its share of the growth', () => {
    expect(profileSummary(entry({ priceBasket: 600, send: 100 }))).toBe(
      'CPU per request 400 µs → 700 µs; grew most: priceBasket +300 µs, 100 % of the growth',
    )
  })

  it('says the slowdown is elsewhere when the profiled rounds saw no growth and the pairs none either', () => {
    const quiet = entry({ priceBasket: 290, send: 100 }, { measuredCpu: { change: 0.01, low: -0.03, high: 0.05 } })
    expect(profileSummary(quiet)).toMatch(/did not grow, so the slowdown is elsewhere \(waiting on I\/O/)
    expect(profileSummary(entry({ priceBasket: 290, send: 100 }))).toMatch(/so the slowdown is elsewhere/)
  })

  it('does not blame something else when the pairs measured the CPU growth the profiled rounds missed', () => {
    // One round a side in a fast stretch for the head: its total came out lower, the pairs said +20 %.
    const missed = entry({ priceBasket: 250, send: 60, audit: 20 }, { measuredCpu: { change: 0.2, low: 0.08, high: 0.33 } })
    const line = profileSummary(missed)
    expect(line).not.toContain('elsewhere')
    expect(line).toBe(
      'CPU per request 400 µs → 330 µs in the profiled rounds, one a side, against +20 % over the measured pairs: too noisy to apportion the growth; grew most: audit +20 µs',
    )
  })

  it('says when the times were scaled to one machine speed, with both readings', () => {
    const scaled = entry({ priceBasket: 390, send: 130 }, {}, { base: 500, head: 650 })
    expect(profileFacts(report, scaled)).toContain(
      "Times per request are scaled to one machine speed: the speed probe on the apps' CPUs read 500 µs a unit during the base's profiled round and 650 µs during the head's, at slope 1 (app.cpus).",
    )
    expect(profileFacts(report, entry({ priceBasket: 390, send: 130 }, {}, { base: 500, head: 650, slope: 1.318 }))).toContain(
      "Times per request are scaled to one machine speed: the speed probe on the apps' CPUs read 500 µs a unit during the base's profiled round and 650 µs during the head's, at the slope the run's pairs fitted for CPU per request, 1.32 (app.cpus).",
    )
    expect(profileFacts(report, entry({ priceBasket: 390, send: 130 })).join('\n')).not.toContain('machine speed')
  })
})

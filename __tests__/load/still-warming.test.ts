import { describe, expect, it } from 'vitest'
import { MIN_WARM_UP_SLICES, STILL_RISING, stillWarming, WARM_UP_SLICES } from '../../src/config/warm-up.js'

describe('stillWarming', () => {
  it('takes the fewest slices, then goes on while the newest beats every slice before it by more than 3 %', () => {
    expect(MIN_WARM_UP_SLICES).toBe(5)
    expect(stillWarming([])).toBe(true)
    // Flat from the start: still the fewest slices.
    expect(stillWarming([400, 400, 400, 400])).toBe(true)
    expect(stillWarming([400, 400, 400, 400, 400])).toBe(false)
    expect(stillWarming([300, 340, 380, 400, 440])).toBe(true)
    expect(stillWarming([300, 340, 380, 400, 440, 450])).toBe(false)
    // Measured against the best before it, not the last: a dip does not make the next slice look like progress.
    expect(stillWarming([300, 340, 380, 440, 380, 450])).toBe(false)
    expect(stillWarming([300, 340, 380, 440, 380, 440 * (1 + STILL_RISING) + 1])).toBe(true)
  })

  it('stops after the most slices, however the throughput still rises', () => {
    const rising = Array.from({ length: WARM_UP_SLICES }, (_, i) => 100 * 1.1 ** i)
    expect(stillWarming(rising.slice(0, -1))).toBe(true)
    expect(stillWarming(rising)).toBe(false)
  })
})

// Waiting with a bound: what a promise resolves to, or nothing once a time has passed, without a
// timer left behind either way (a pending one keeps Node running until it fires).

/** What `promise` resolves to, or undefined after `ms`, whichever comes first; the timer is cleared either way. */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([promise, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)))])
  } finally {
    clearTimeout(timer)
  }
}

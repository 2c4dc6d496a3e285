// Tests start apps on ports the product itself would choose.
export { freePort } from '../../src/app/ports.js'

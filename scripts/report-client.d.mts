/** The browser half of report.html: its bundled script and its stylesheet. */
export function reportClient(): Promise<{ js: string; css: string }>

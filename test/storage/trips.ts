// The round-trip budgets of the hot routes, and reading a response's count from Server-Timing.

/** Database round trips a request may make (a batch is one); `backgroundPerOptIn`: the jobs' work per opt-in. */
/** `consentCold`: a sign-up in a process that has not yet read its site or the notice it cites (a cold isolate). */
export const BUDGETS = {
  consent: 2,
  consentCold: 3,
  confirm: 3,
  gate: 1,
  proof: 2,
  widget: 1,
  widgetCached: 0,
  backgroundPerOptIn: 4,
} as const;

/** Round trips a response reports: `Server-Timing: db;dur=…;desc="<n>"`. */
export function tripsOf(res: Response): number {
  const header = res.headers.get('server-timing') ?? '';
  const match = /\bdb;dur=[\d.]+;desc="(\d+)"/.exec(header);
  if (!match) throw new Error(`no db entry in Server-Timing: "${header}"`);
  return Number(match[1]);
}

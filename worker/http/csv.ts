// One CSV cell, safe to open in a spreadsheet (the subscriber exports of the API and the console).

/**
 * Always quoted; a cell a spreadsheet would read as a formula (=, +, -, @, tab, CR first) gets a leading
 * apostrophe. A bare E.164 number (`+` and digits) is kept as is: it evaluates to nothing but itself.
 */
export const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  return `"${(/^[=+\-@\t\r]/.test(s) && !/^\+\d{1,15}$/.test(s) ? `'${s}` : s).replace(/"/g, '""')}"`;
};

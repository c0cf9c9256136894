/** What stands in for a redacted value. */
export const REDACTED = '***';

/**
 * Replaces known secret values in text before it reaches the task log or an error: the task's secrets and Terraform's
 * sensitive outputs, by value, wherever a plan or an error message prints them. Values shorter than 4 characters are
 * not redacted (they would blank out ordinary words).
 */
export class Redactor {
  private values: string[] = [];

  add(values: Iterable<unknown>): void {
    for (const value of values) {
      let forms: string[] = [];
      if (typeof value === 'string')
        forms = [value, JSON.stringify(value).slice(1, -1)];
      else if (value !== null && typeof value === 'object')
        forms = [JSON.stringify(value)];
      for (const form of forms)
        if (form.length >= 4 && !this.values.includes(form))
          this.values.push(form);
    }
    // Longest first, so that a value containing another is replaced whole.
    this.values.sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    let out = text;
    for (const value of this.values) out = out.split(value).join(REDACTED);
    return out;
  }
}

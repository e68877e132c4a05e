/** Small helpers for form inputs, shared by the views. */
export function inputValue(e: Event): string {
  return (e.currentTarget as HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement).value;
}

export function checkedValue(e: Event): boolean {
  return (e.currentTarget as HTMLInputElement).checked;
}

/** Toggles `value` in a list (for groups of checkboxes). */
export function toggle(list: readonly string[], value: string, on: boolean): string[] {
  return on ? (list.includes(value) ? [...list] : [...list, value]) : list.filter((v) => v !== value);
}

/**
 * The token lives in this tab's session storage only: never a cookie (nothing sends it
 * implicitly), never a URL (nothing logs or shares it), gone when the tab closes.
 */
const KEY = 'callbridge.console.token';

export function loadToken(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function saveToken(token: string): void {
  sessionStorage.setItem(KEY, token);
}

export function clearToken(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // storage disabled: there is nothing to clear
  }
}

// Checks made before a password goes to the server, so the user hears about a typo without a round trip. Pure.

/** The server's minimum (POST /api/auth/password, POST /api/users answer 422 below it). */
export const MIN_PASSWORD_LENGTH = 8;

/** What is wrong with a new password and its confirmation, or null when it may be sent. */
export function newPasswordProblem(password: string, confirmation: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) {
    return `The new password needs at least ${MIN_PASSWORD_LENGTH} characters.`;
  }
  if (password !== confirmation) return "The two new passwords differ.";
  return null;
}

/** On the login page after a password change: the server ended every session, this one included. */
export const PASSWORD_CHANGED = "Your password was changed and every session signed out. Sign in with the new password.";

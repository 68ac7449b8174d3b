import { ApiError } from "../../api/client";

/**
 * The server's own words ("Wrong username or password.", its rate-limit message); a plain sentence for a 429 that
 * came without them (only the status line, from a proxy say).
 */
export function loginErrorMessage(error: Error): string {
  const bare = error.message === "Too Many Requests" || error.message.startsWith("Request failed");
  if (error instanceof ApiError && error.status === 429 && bare) {
    return "Too many sign-in attempts. Wait a minute, then try again.";
  }
  return error.message;
}

import { useSyncExternalStore } from "react";
import { type AuthState, getAuthState, subscribeAuth } from "../auth";
import type { UserPublic } from "../types";

/** The session as React state: re-renders on sign-in, sign-out and when the user's record changes. */
export function useAuth(): AuthState {
  return useSyncExternalStore(subscribeAuth, getAuthState, getAuthState);
}

/** The signed-in user. Only for components under the route guard, which renders nothing without one. */
export function useUser(): UserPublic | null {
  return useAuth().user;
}

export function isAdmin(user: UserPublic | null | undefined): boolean {
  return user?.role === "admin";
}

/** Whether the signed-in user may see admin-only pages and buttons (the server checks again: this only hides them). */
export function useIsAdmin(): boolean {
  return isAdmin(useUser());
}

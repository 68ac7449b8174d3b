import { useQueryClient } from "@tanstack/react-query";
import { type ReactNode, useEffect, useRef } from "react";
import { Navigate, Outlet, useLocation } from "react-router";
import { UNREACHABLE_NOTICE, restoreSession, watchOtherTabs } from "../../../api/auth";
import { Loading } from "../../../components/States";
import { Button } from "../../../components/ui/button";
import { LOGIN_PATH, loginPath } from "../next";
import { useAuth } from "../../../api/hooks/session";

/** A page of its own, before the layout exists: centred on the screen. */
export function FullScreen({ children }: { children: ReactNode }) {
  return <div className="flex min-h-screen items-center justify-center px-4">{children}</div>;
}

/** What one user's session cached must not show to the next user of the same tab. */
function useForgetDataOnSignOut(): void {
  const client = useQueryClient();
  const { user } = useAuth();
  const previous = useRef(user?.id);
  useEffect(() => {
    if (previous.current && !user) client.clear();
    previous.current = user?.id;
  }, [client, user]);
}

/**
 * Every page except /login: rendered only for a signed-in user. Others go to /login?next=<this page>, which also
 * happens the moment a session ends (signed out, or its refresh token refused).
 */
export function RequireAuth() {
  const { status, byUser, notice } = useAuth();
  const location = useLocation();
  useForgetDataOnSignOut();
  useEffect(watchOtherTabs, []);

  if (status === "signed-in") return <Outlet />;
  if (status === "restoring") {
    return (
      <FullScreen>
        <Loading label="Signing you in…" />
      </FullScreen>
    );
  }
  if (status === "unreachable") {
    return (
      <FullScreen>
        <div role="alert" className="max-w-sm space-y-3 text-center">
          <p className="font-medium">Could not sign you back in.</p>
          <p className="text-sm text-muted">{notice ?? UNREACHABLE_NOTICE}</p>
          <p className="text-sm text-muted">You are still signed in: this page tries again by itself, or now with the button.</p>
          <Button onClick={() => void restoreSession()}>Try again</Button>
        </div>
      </FullScreen>
    );
  }
  // After the sign-out button, the login page starts afresh: the next user need not land where the last one was.
  return <Navigate to={byUser ? LOGIN_PATH : loginPath(location)} replace />;
}

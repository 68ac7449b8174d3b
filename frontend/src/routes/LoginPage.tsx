import { Activity } from "lucide-react";
import { useEffect, useMemo, useRef, useState } from "react";
import { Navigate, useLocation, useNavigate, useSearchParams } from "react-router";
import { UNREACHABLE_NOTICE, restoreSession } from "../api/auth";
import { ErrorBanner, Loading, Notice } from "../components/States";
import { Card, CardContent, CardDescription, CardHeader } from "../components/ui/card";
import { signInWithCode } from "../features/auth/api";
import { FullScreen } from "../features/auth/components/RequireAuth";
import { LoginForm } from "../features/auth/components/LoginForm";
import { ProviderButtons } from "../features/auth/components/ProviderButtons";
import { parseAuthFragment } from "../features/auth/fragment";
import { safeNext } from "../features/auth/next";
import { useAuth } from "../api/hooks/session";

/**
 * Signs in with the one-time code an OIDC redirect left in the fragment (read through the router, so a fragment that
 * arrives while the page is open counts too), once per fragment: StrictMode runs effects twice in development, and a
 * code works once. Tokens in the fragment are never taken (fragment.ts says why). Returns the error to show, and
 * whether the code is being traded.
 */
function useProviderRedirect(): { pending: boolean; error: string | null } {
  const location = useLocation();
  const navigate = useNavigate();
  const fragment = useMemo(() => parseAuthFragment(location.hash), [location.hash]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const handled = useRef<string | null>(null);

  useEffect(() => {
    if (!fragment || handled.current === location.hash) return;
    handled.current = location.hash;
    // Out of the address bar and the history at once: a used code is worthless, but need not linger.
    void navigate({ pathname: location.pathname, search: location.search }, { replace: true });
    if (fragment.kind === "error") {
      setError(fragment.message);
      return;
    }
    setError(null);
    setBusy(true);
    signInWithCode(fragment.code).then(
      // `busy` stays on: the loading view holds until the user has left for `next`.
      (next) => void navigate(safeNext(next), { replace: true }),
      (cause: unknown) => {
        setError(cause instanceof Error ? `Signing in failed: ${cause.message}` : "Signing in failed.");
        setBusy(false);
        // main.tsx left the stored session alone for this code; now it may be tried after all.
        void restoreSession();
      },
    );
  }, [fragment, location, navigate]);

  return { pending: busy || fragment?.kind === "code", error };
}

export function LoginPage() {
  const { status, notice } = useAuth();
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  const redirect = useProviderRedirect();

  if (redirect.pending || status === "restoring") {
    return (
      <FullScreen>
        <Loading label="Signing you in…" />
      </FullScreen>
    );
  }
  if (status === "signed-in") return <Navigate to={next} replace />;

  return (
    <FullScreen>
      <div className="w-full max-w-sm space-y-6 py-10">
        <div className="flex items-center justify-center gap-2">
          <Activity className="size-7 text-accent" aria-hidden />
          <span className="text-lg font-semibold tracking-tight">FlowML Studio</span>
        </div>
        <Card>
          <CardHeader>
            <h1 className="text-lg font-semibold leading-tight">Sign in</h1>
            <CardDescription>With the account an administrator of this server gave you.</CardDescription>
          </CardHeader>
          <CardContent className="space-y-4">
            {status === "unreachable" ? (
              <ErrorBanner message={notice ?? UNREACHABLE_NOTICE} />
            ) : (
              notice && <Notice>{notice}</Notice>
            )}
            {redirect.error && <ErrorBanner message={redirect.error} />}
            <LoginForm />
            <ProviderButtons next={next} />
          </CardContent>
        </Card>
        {/* The first admin's password is on the server's terminal or in a file beside its data: say where to look. */}
        <p className="text-center text-xs text-muted">
          First start? Sign in as <code>admin</code> with the password the server printed when it started, or wrote
          to <code>initial-admin-password</code> in its data folder (or the one in <code>FLOWML_ADMIN_PASSWORD</code>).
        </p>
      </div>
    </FullScreen>
  );
}

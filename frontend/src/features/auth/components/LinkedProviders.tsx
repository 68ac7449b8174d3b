import { Link2 } from "lucide-react";
import { useEffect, useMemo, useRef, useState } from "react";
import { useLocation, useNavigate } from "react-router";
import { ErrorBanner, Notice } from "../../../components/States";
import { Button } from "../../../components/ui/button";
import { useProviders, useStartLink } from "../api";
import { type LinkFragment, parseLinkFragment } from "../fragment";

/**
 * The outcome a provider-link redirect left in the Account page's fragment, once per fragment, taken out of the
 * address bar at once (read through the router, like the login page's code).
 */
function useLinkOutcome(): LinkFragment | null {
  const location = useLocation();
  const navigate = useNavigate();
  const fragment = useMemo(() => parseLinkFragment(location.hash), [location.hash]);
  const [outcome, setOutcome] = useState<LinkFragment | null>(null);
  const handled = useRef<string | null>(null);

  useEffect(() => {
    if (!fragment || handled.current === location.hash) return;
    handled.current = location.hash;
    setOutcome(fragment);
    void navigate({ pathname: location.pathname, search: location.search }, { replace: true });
  }, [fragment, location, navigate]);

  return outcome;
}

/** "Corp SSO" from the server's button label "Sign in with Corp SSO" (a custom label stays as it is). */
function shortName(label: string): string {
  return label.replace(/^Sign in with /, "");
}

/**
 * One "Link" button per identity provider the server offers (nothing when there is none). An admin's account is
 * never linked by email at sign-in, so this, done while signed in, is how an admin gets a provider button.
 */
export function LinkedProviders() {
  const providers = useProviders();
  const link = useStartLink();
  const outcome = useLinkOutcome();
  const list = providers.data ?? [];
  if (list.length === 0) return null;
  const linked = outcome?.kind === "linked" ? list.find((p) => p.name === outcome.provider) : undefined;
  return (
    <div className="space-y-3">
      {outcome?.kind === "linked" && (
        <Notice>Linked: you can now sign in with {linked ? shortName(linked.label) : outcome.provider}.</Notice>
      )}
      {outcome?.kind === "error" && <ErrorBanner message={outcome.message} />}
      {link.isError && <ErrorBanner message={link.error.message} />}
      {list.map((provider) => (
        <Button
          key={provider.name}
          variant="secondary"
          className="w-full"
          disabled={link.isPending}
          onClick={() => link.mutate(provider.name)}
        >
          <Link2 aria-hidden />
          Link {shortName(provider.label)}
        </Button>
      ))}
    </div>
  );
}

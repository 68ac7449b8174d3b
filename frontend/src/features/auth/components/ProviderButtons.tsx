import { LogIn } from "lucide-react";
import { Button } from "../../../components/ui/button";
import { useProviders } from "../api";
import { providerLoginUrl } from "../next";

/**
 * One button per identity provider the server has configured (none unless set up). Each is a full-page navigation:
 * the provider's pages cannot run inside this app; the server brings the browser back to /login#code=… (a one-time
 * code the login page trades for tokens).
 */
export function ProviderButtons({ next }: { next: string }) {
  const providers = useProviders();
  const list = providers.data ?? [];
  if (list.length === 0) return null;
  return (
    <div className="space-y-3">
      <div className="flex items-center gap-3 text-xs text-muted" role="presentation">
        <span className="h-px flex-1 bg-line" />
        or
        <span className="h-px flex-1 bg-line" />
      </div>
      {list.map((provider) => (
        <Button key={provider.name} asChild variant="secondary" className="w-full">
          <a href={providerLoginUrl(provider.login_url, next)}>
            <LogIn aria-hidden />
            {/* The server's label is the whole button text ("Sign in with Google", or a custom one). */}
            {provider.label}
          </a>
        </Button>
      ))}
    </div>
  );
}

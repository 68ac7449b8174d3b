import { PageHeader } from "../components/PageHeader";
import { Card, CardAction, CardContent, CardDescription, CardHeader, CardTitle } from "../components/ui/card";
import { ApiKeyList } from "../features/auth/components/ApiKeyList";
import { ChangePasswordForm } from "../features/auth/components/ChangePasswordForm";
import { CreateApiKeyDialog } from "../features/auth/components/CreateApiKeyDialog";
import { LinkedProviders } from "../features/auth/components/LinkedProviders";
import { RoleBadge } from "../components/RoleBadge";
import { useProviders } from "../features/auth/api";
import { useUser } from "../api/hooks/session";

export function AccountPage() {
  const user = useUser();
  const providers = useProviders();
  const hasProviders = (providers.data ?? []).length > 0;
  return (
    <>
      <PageHeader
        title="Account"
        subtitle={
          user && (
            <span className="inline-flex items-center gap-2">
              Signed in as <strong className="text-fg">{user.username}</strong> <RoleBadge role={user.role} />
            </span>
          )
        }
      />
      <div className="grid items-start gap-6 xl:grid-cols-[2fr_1fr]">
        <Card>
          <CardHeader>
            <div className="space-y-1">
              <CardTitle>API keys</CardTitle>
              <CardDescription>For scripts and the command line: each acts as you until you revoke it.</CardDescription>
            </div>
            <CardAction>
              <CreateApiKeyDialog />
            </CardAction>
          </CardHeader>
          <CardContent>
            <ApiKeyList />
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Password</CardTitle>
            <CardDescription>Changing it signs you out everywhere; API keys keep working.</CardDescription>
          </CardHeader>
          <CardContent>
            <ChangePasswordForm />
          </CardContent>
        </Card>
        {hasProviders && (
          <Card>
            <CardHeader>
              <CardTitle>Sign-in providers</CardTitle>
              <CardDescription>
                Link an outside account to this one, then sign in with it. Admin accounts are linked only this way.
              </CardDescription>
            </CardHeader>
            <CardContent>
              <LinkedProviders />
            </CardContent>
          </Card>
        )}
      </div>
    </>
  );
}

import { PageHeader } from "../components/PageHeader";
import { ErrorBanner } from "../components/States";
import { Card, CardContent } from "../components/ui/card";
import { Skeleton } from "../components/ui/skeleton";
import { AdminOnly } from "../features/auth/components/AdminOnly";
import { useIsAdmin, useUser } from "../api/hooks/session";
import { useUsers } from "../features/users/api";
import { AddUserDialog } from "../features/users/components/AddUserDialog";
import { UserTable } from "../features/users/components/UserTable";

function UserList() {
  const users = useUsers();
  const self = useUser();
  if (users.isError) return <ErrorBanner message={users.error.message} />;
  if (!users.data) {
    return (
      <div className="space-y-2" role="status" aria-label="Loading users">
        <Skeleton className="h-10" />
        <Skeleton className="h-10" />
      </div>
    );
  }
  return <UserTable users={users.data} selfId={self?.id} />;
}

export function UsersPage() {
  const admin = useIsAdmin();
  return (
    <>
      <PageHeader
        title="Users"
        subtitle="Who may sign in to this server, and what they may do."
        actions={admin && <AddUserDialog />}
      />
      <AdminOnly what="Managing users">
        <Card>
          <CardContent>
            <UserList />
          </CardContent>
        </Card>
      </AdminOnly>
    </>
  );
}

import { Trash2, UserX } from "lucide-react";
import { Link } from "react-router";
import { ROLES, type Role, type UserPublic } from "../../../api/types";
import { ConfirmAction } from "../../../components/ConfirmAction";
import { Badge } from "../../../components/ui/badge";
import { Button } from "../../../components/ui/button";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "../../../components/ui/select";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "../../../components/ui/table";
import { formatAgo, formatDateTime } from "../../../lib/time";
import { RoleBadge } from "../../auth/components/UserMenu";
import { useDeleteUser, useUpdateUser } from "../api";
import { ROLE_LABEL, sortUsers } from "../roles";
import { ResetPasswordDialog } from "./ResetPasswordDialog";

function RoleCell({ user, self }: { user: UserPublic; self: boolean }) {
  const update = useUpdateUser();
  // Your own role stays put here: demoting yourself would lock you out of this page mid-click.
  if (self) return <RoleBadge role={user.role} />;
  return (
    <Select
      value={user.role}
      disabled={update.isPending}
      onValueChange={(value) => update.mutate({ id: user.id, change: { role: value as Role } })}
    >
      <SelectTrigger className="h-8 w-32" aria-label={`Role of ${user.username}`}>
        <SelectValue />
      </SelectTrigger>
      <SelectContent>
        {ROLES.map((role) => (
          <SelectItem key={role} value={role}>
            {ROLE_LABEL[role]}
          </SelectItem>
        ))}
      </SelectContent>
    </Select>
  );
}

function Actions({ user }: { user: UserPublic }) {
  const update = useUpdateUser();
  const remove = useDeleteUser();
  return (
    <div className="flex items-center justify-end gap-1">
      <ResetPasswordDialog user={user} />
      {user.is_active ? (
        <ConfirmAction
          label="Deactivate"
          hiddenLabel={user.username}
          icon={<UserX aria-hidden />}
          variant="ghost"
          size="sm"
          pending={update.isPending}
          title={`Deactivate “${user.username}”?`}
          description="They are signed out now and can no longer sign in or use their API keys. Their datasets, jobs and models stay; activate them again at any time."
          dismissLabel="Keep active"
          confirmLabel="Deactivate"
          onConfirm={() => update.mutate({ id: user.id, change: { is_active: false } })}
        />
      ) : (
        <Button
          variant="ghost"
          size="sm"
          disabled={update.isPending}
          onClick={() => update.mutate({ id: user.id, change: { is_active: true } })}
        >
          Activate<span className="sr-only"> {user.username}</span>
        </Button>
      )}
      <ConfirmAction
        label="Delete"
        hiddenLabel={user.username}
        icon={<Trash2 aria-hidden />}
        variant="ghost"
        size="sm"
        className="text-danger hover:bg-danger/10 hover:text-danger"
        pending={remove.isPending}
        title={`Delete “${user.username}”?`}
        description="The account goes for good. The server refuses while they still own datasets, jobs or models: deactivate them instead to keep their work."
        dismissLabel="Keep the user"
        confirmLabel="Delete user"
        onConfirm={() => remove.mutate(user)}
      />
    </div>
  );
}

export function UserTable({ users, selfId }: { users: UserPublic[]; selfId: string | undefined }) {
  return (
    <Table aria-label="Users" className="whitespace-nowrap">
      <TableHeader>
        <TableRow>
          <TableHead>User</TableHead>
          <TableHead>Role</TableHead>
          <TableHead>Status</TableHead>
          <TableHead>Created</TableHead>
          <TableHead>Last sign-in</TableHead>
          <TableHead className="text-right">
            <span className="sr-only">Actions</span>
          </TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {sortUsers(users).map((user) => {
          const self = user.id === selfId;
          return (
            <TableRow key={user.id} className={user.is_active ? undefined : "opacity-70"}>
              <TableCell className="max-w-56 truncate font-medium" title={user.username}>
                {user.username}
                {self && (
                  <Badge variant="outline" className="ml-2">
                    you
                  </Badge>
                )}
              </TableCell>
              <TableCell>
                <RoleCell user={user} self={self} />
              </TableCell>
              <TableCell>
                {user.is_active ? <Badge variant="ok">Active</Badge> : <Badge variant="outline">Deactivated</Badge>}
              </TableCell>
              <TableCell className="text-muted" title={formatDateTime(user.created_at)}>
                {formatAgo(user.created_at)}
              </TableCell>
              <TableCell className="text-muted" title={user.last_login_at ? formatDateTime(user.last_login_at) : undefined}>
                {user.last_login_at ? formatAgo(user.last_login_at) : "Never"}
              </TableCell>
              <TableCell className="text-right">
                {self ? (
                  <Link to="/account" className="text-xs text-accent hover:underline">
                    Change your password under Account
                  </Link>
                ) : (
                  <Actions user={user} />
                )}
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}

import { Trash2, UserX } from "lucide-react";
import { Link } from "react-router";
import type { UserPublic } from "../../../api/types";
import { ConfirmAction } from "../../../components/ConfirmAction";
import { ActionsCell, ListTable, MomentCell, NameCell } from "../../../components/ListTable";
import { Badge } from "../../../components/ui/badge";
import { Button } from "../../../components/ui/button";
import { TableCell, TableRow } from "../../../components/ui/table";
import { RoleBadge } from "../../../components/RoleBadge";
import { useDeleteUser, useUpdateUser } from "../api";
import { sortUsers } from "../roles";
import { ResetPasswordDialog } from "./ResetPasswordDialog";
import { RoleSelect } from "./RoleSelect";

function RoleCell({ user, self }: { user: UserPublic; self: boolean }) {
  const update = useUpdateUser();
  // Your own role stays put here: demoting yourself would lock you out of this page mid-click.
  if (self) return <RoleBadge role={user.role} />;
  return (
    <RoleSelect
      value={user.role}
      disabled={update.isPending}
      onChange={(role) => update.mutate({ id: user.id, change: { role } })}
      label={`Role of ${user.username}`}
      className="h-8 w-32"
    />
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
    <ListTable label="Users" columns={["User", "Role", "Status", "Created", "Last sign-in"]}>
      {sortUsers(users).map((user) => {
        const self = user.id === selfId;
        return (
          <TableRow key={user.id} className={user.is_active ? undefined : "opacity-70"}>
            <NameCell name={user.username}>
              {self && (
                <Badge variant="outline" className="ml-2">
                  you
                </Badge>
              )}
            </NameCell>
            <TableCell>
              <RoleCell user={user} self={self} />
            </TableCell>
            <TableCell>
              {user.is_active ? <Badge variant="ok">Active</Badge> : <Badge variant="outline">Deactivated</Badge>}
            </TableCell>
            <MomentCell value={user.created_at} />
            <MomentCell value={user.last_login_at} />
            <ActionsCell>
              {self ? (
                <Link to="/account" className="text-xs text-accent hover:underline">
                  Change your password under Account
                </Link>
              ) : (
                <Actions user={user} />
              )}
            </ActionsCell>
          </TableRow>
        );
      })}
    </ListTable>
  );
}

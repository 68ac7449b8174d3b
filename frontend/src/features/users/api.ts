import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { updateUser } from "../../api/auth";
import { api, unwrap } from "../../api/client";
import { queryKeys } from "../../api/queryKeys";
import type { UserCreate, UserPublic, UserUpdate } from "../../api/types";
import { toast } from "../../lib/toast";

const user = (id: string) => ({ params: { path: { user_id: id } } });

export const usersApi = {
  list: (): Promise<UserPublic[]> => unwrap(api.GET("/api/users")),
  create: (body: UserCreate): Promise<UserPublic> => unwrap(api.POST("/api/users", { body })),
  update: (id: string, body: UserUpdate): Promise<UserPublic> =>
    unwrap(api.PATCH("/api/users/{user_id}", { ...user(id), body })),
  remove: async (id: string): Promise<void> => {
    await unwrap(api.DELETE("/api/users/{user_id}", user(id)));
  },
};

export function useUsers() {
  return useQuery({ queryKey: queryKeys.users.list(), queryFn: usersApi.list });
}

/** Errors (409 "username taken") show in the dialog. */
export function useCreateUser() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: usersApi.create,
    onSuccess: (user) => {
      void client.invalidateQueries({ queryKey: queryKeys.users.all });
      toast.success(`User “${user.username}” created. Give them their password; they can change it under Account.`);
    },
    meta: { silent: true },
  });
}

/** What a change did, for its toast. */
function describe(change: UserUpdate, user: UserPublic): string {
  if (change.password !== undefined) return `Password of “${user.username}” reset.`;
  if (change.is_active === false) return `“${user.username}” deactivated: they can no longer sign in.`;
  if (change.is_active === true) return `“${user.username}” can sign in again.`;
  return `“${user.username}” is now ${user.role === "admin" ? "an admin" : "a member"}.`;
}

/**
 * Role, active flag or password of one user. A refusal (409: it would leave no active admin) toasts the server's
 * message, unless `silent` (the password dialog shows it itself).
 */
export function useUpdateUser({ silent = false }: { silent?: boolean } = {}) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, change }: { id: string; change: UserUpdate }) => usersApi.update(id, change),
    onSuccess: (user, { change }) => {
      void client.invalidateQueries({ queryKey: queryKeys.users.all });
      // An admin changing their own record (the list marks it): the menu and the guard read the session's copy.
      updateUser(user);
      toast.success(describe(change, user));
    },
    meta: { silent },
  });
}

/** A refusal (409: the user still owns datasets, jobs or models; the last admin; yourself) toasts the server's message. */
export function useDeleteUser() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (user: UserPublic) => usersApi.remove(user.id),
    onSuccess: (_answer, user) => {
      void client.invalidateQueries({ queryKey: queryKeys.users.all });
      toast.success(`User “${user.username}” deleted.`);
    },
  });
}

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../client";
import { queryKeys } from "../queryKeys";
import type { Id, Page, Project, ProjectRole } from "../types";
import { toast } from "../../lib/toast";

const project = (id: Id) => ({ params: { path: { project_id: id } } });
const member = (id: Id, user: string) => ({ params: { path: { project_id: id, user_id: user } } });

export const projectsApi = {
  list: (): Promise<Page<Project>> => unwrap(api.GET("/api/projects")),
  create: (body: { name: string; description?: string }): Promise<Project> => unwrap(api.POST("/api/projects", { body })),
  update: (id: Id, body: { name?: string; description?: string }): Promise<Project> =>
    unwrap(api.PATCH("/api/projects/{project_id}", { ...project(id), body })),
  remove: async (id: Id): Promise<void> => {
    await unwrap(api.DELETE("/api/projects/{project_id}", project(id)));
  },
  /** `user`: a user id or a username. */
  setMember: (id: Id, user: string, role: ProjectRole): Promise<Project> =>
    unwrap(api.PUT("/api/projects/{project_id}/members/{user_id}", { ...member(id, user), body: { role } })),
  removeMember: (id: Id, user: string): Promise<Project> =>
    unwrap(api.DELETE("/api/projects/{project_id}/members/{user_id}", member(id, user))),
};

export function useProjects() {
  return useQuery({ queryKey: queryKeys.projects.list(), queryFn: projectsApi.list, select: (page) => page.items });
}

/** After any change to projects: their lists, and the items whose visibility may have changed with them. */
function useRefresh() {
  const client = useQueryClient();
  return () => {
    for (const key of [queryKeys.projects.all, queryKeys.datasets.all, queryKeys.jobs.all, queryKeys.models.all]) {
      void client.invalidateQueries({ queryKey: key });
    }
  };
}

export function useCreateProject() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: projectsApi.create,
    onSuccess: (created) => {
      refresh();
      toast.success(`Project “${created.name}” created. Add members below.`);
    },
    // The form shows the refusal (a name over the limit) itself.
    meta: { silent: true },
  });
}

export function useUpdateProject(id: Id) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (body: { name?: string; description?: string }) => projectsApi.update(id, body),
    onSuccess: () => refresh(),
  });
}

export function useDeleteProject() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (item: Project) => projectsApi.remove(item.id),
    onSuccess: (_answer, item) => {
      refresh();
      toast.success(`Project “${item.name}” deleted; its items are private to their owners again.`);
    },
  });
}

/** Add a member or change a role; refusals (unknown user, the last owner) toast the server's message. */
export function useSetMember(id: Id) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: ({ user, role }: { user: string; role: ProjectRole }) => projectsApi.setMember(id, user, role),
    onSuccess: () => refresh(),
  });
}

export function useRemoveMember(id: Id) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (user: string) => projectsApi.removeMember(id, user),
    onSuccess: () => refresh(),
  });
}

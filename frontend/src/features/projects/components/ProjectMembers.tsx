import { UserPlus, UserMinus } from "lucide-react";
import { type FormEvent, useState } from "react";
import type { Project, ProjectRole } from "../../../api/types";
import { Button } from "../../../components/ui/button";
import { useRemoveMember, useSetMember } from "../../../api/hooks/projects";
import { PROJECT_ROLES, managesProject } from "../../../lib/projectRoles";

function RoleSelect({ id, value, label, onChange }: { id?: string; value: ProjectRole; label: string; onChange: (role: ProjectRole) => void }) {
  return (
    <select id={id} className="input w-auto" aria-label={label} value={value} onChange={(event) => onChange(event.target.value as ProjectRole)}>
      {PROJECT_ROLES.map((role) => (
        <option key={role.value} value={role.value}>
          {role.label}
        </option>
      ))}
    </select>
  );
}

/** The project's members and roles; owners and admins change them, add people by username, remove them. */
export function ProjectMembers({ project }: { project: Project }) {
  const setMember = useSetMember(project.id);
  const removeMember = useRemoveMember(project.id);
  const manages = managesProject(project);
  const [username, setUsername] = useState("");
  const [role, setRole] = useState<ProjectRole>("viewer");
  const add = (event: FormEvent) => {
    event.preventDefault();
    if (!username.trim()) return;
    setMember.mutate({ user: username.trim(), role }, { onSuccess: () => setUsername("") });
  };
  return (
    <div className="space-y-3">
      <table className="w-full text-sm" aria-label={`Members of ${project.name}`}>
        <thead className="text-left text-xs text-muted">
          <tr>
            <th scope="col" className="py-1 pr-4 font-medium">
              Member
            </th>
            <th scope="col" className="py-1 pr-4 font-medium">
              Role
            </th>
            {manages && (
              <th scope="col" className="py-1 font-medium">
                <span className="sr-only">Remove</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody className="divide-y divide-line">
          {project.members.map((member) => (
            <tr key={member.user_id}>
              <td className="py-1.5 pr-4">{member.username}</td>
              <td className="py-1.5 pr-4">
                {manages ? (
                  <RoleSelect
                    label={`Role of ${member.username}`}
                    value={member.role}
                    onChange={(next) => setMember.mutate({ user: member.user_id, role: next })}
                  />
                ) : (
                  PROJECT_ROLES.find((item) => item.value === member.role)?.label
                )}
              </td>
              {manages && (
                <td className="py-1.5 text-right">
                  <Button
                    variant="ghost"
                    aria-label={`Remove ${member.username}`}
                    disabled={removeMember.isPending}
                    onClick={() => removeMember.mutate(member.user_id)}
                  >
                    <UserMinus className="size-4" aria-hidden />
                  </Button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {manages && (
        <form onSubmit={add} className="flex flex-wrap items-end gap-2" aria-label={`Add a member to ${project.name}`}>
          <label className="block min-w-40 flex-1 space-y-1">
            <span className="block text-xs text-muted">Username</span>
            <input className="input" value={username} onChange={(event) => setUsername(event.target.value)} autoComplete="off" />
          </label>
          <label className="block space-y-1">
            <span className="block text-xs text-muted">Role</span>
            <RoleSelect value={role} label="Role for the new member" onChange={setRole} />
          </label>
          <Button type="submit" variant="secondary" disabled={!username.trim() || setMember.isPending}>
            <UserPlus className="size-4" aria-hidden />
            Add member
          </Button>
        </form>
      )}
      <ul className="space-y-0.5 text-xs text-muted">
        {PROJECT_ROLES.map((item) => (
          <li key={item.value}>
            <strong className="font-medium">{item.label}</strong>: {item.description}.
          </li>
        ))}
      </ul>
    </div>
  );
}

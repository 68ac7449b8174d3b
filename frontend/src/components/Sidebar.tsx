import { useQuery } from "@tanstack/react-query";
import { Activity, ArrowRightLeft, Boxes, Database, FlaskConical, FolderKanban, House, ListChecks, ScrollText, Server, Users, Workflow } from "lucide-react";
import { NavLink } from "react-router";
import { metaApi } from "../api/endpoints";
import { queryKeys } from "../api/queryKeys";
import { useIsAdmin } from "../api/hooks/session";
import { ThemeToggle } from "./ThemeToggle";

const NAV = [
  { to: "/", label: "Home", Icon: House, end: true },
  { to: "/data", label: "Data", Icon: Database, end: false },
  { to: "/train", label: "Train", Icon: FlaskConical, end: false },
  { to: "/jobs", label: "Jobs", Icon: ListChecks, end: false },
  { to: "/models", label: "Models", Icon: Boxes, end: false },
  { to: "/compare", label: "Compare", Icon: ArrowRightLeft, end: false },
  { to: "/workflows", label: "Workflows", Icon: Workflow, end: false },
  { to: "/projects", label: "Projects", Icon: FolderKanban, end: false },
];

// The machinery behind the work: where it runs, what it wrote down, who may use it. Members see the workers
// (read-only); the server log and the user list are for admins, and the server refuses them to members anyway.
const SYSTEM_NAV = [
  { to: "/workers", label: "Workers", Icon: Server, end: false, adminOnly: false },
  { to: "/logs", label: "Logs", Icon: ScrollText, end: false, adminOnly: true },
  { to: "/users", label: "Users", Icon: Users, end: false, adminOnly: true },
];

type NavItem = (typeof NAV)[number];

// The rail between sm and lg shows icons only; the full sidebar (lg and up) and the phone drawer show the words.
const labelClass = (expanded: boolean) => (expanded ? "inline" : "hidden lg:inline");

function NavItemLink({ to, label, Icon, end, expanded, onNavigate }: NavItem & { expanded: boolean; onNavigate?: () => void }) {
  return (
    <NavLink
      to={to}
      end={end}
      title={label}
      aria-label={label}
      onClick={onNavigate}
      className={({ isActive }) =>
        `flex items-center gap-3 rounded-md px-3 py-2 text-sm font-medium transition ${
          isActive ? "bg-accent/15 text-accent" : "text-muted hover:bg-raised hover:text-fg"
        }`
      }
    >
      <Icon className="size-4 shrink-0" aria-hidden />
      <span className={labelClass(expanded)}>{label}</span>
    </NavLink>
  );
}

function HealthDot({ expanded }: { expanded: boolean }) {
  const { data, isError } = useQuery({
    queryKey: queryKeys.health,
    queryFn: metaApi.health,
    refetchInterval: 30_000,
    meta: { silent: true },
  });
  const ok = data?.status === "ok";
  const label = isError ? "Server unreachable" : data ? `Server ${data.status}` : "Checking server…";
  const color = isError ? "bg-danger" : ok ? "bg-ok" : data ? "bg-warn" : "bg-muted";
  return (
    <div className="flex items-center gap-3 px-3 py-2 text-xs text-muted" title={data ? `v${data.version}` : undefined}>
      <span className={`size-2 shrink-0 rounded-full ${color}`} aria-hidden />
      <span className={labelClass(expanded)}>{label}</span>
    </div>
  );
}

interface SidebarProps {
  /** Always show the words (the phone drawer), not only from the lg breakpoint. */
  expanded?: boolean;
  /** Called when a link is followed: the drawer closes. */
  onNavigate?: () => void;
}

export function Sidebar({ expanded = false, onNavigate }: SidebarProps) {
  const admin = useIsAdmin();
  return (
    <nav aria-label="Main" className="flex h-full flex-col gap-1 overflow-y-auto border-r border-line bg-surface p-2 lg:p-3">
      <div className="mb-4 flex items-center gap-2 px-2 py-2">
        <Activity className="size-6 shrink-0 text-accent" aria-hidden />
        <span className={`${labelClass(expanded)} text-base font-semibold tracking-tight`}>FlowML Studio</span>
      </div>
      {NAV.map((item) => (
        <NavItemLink key={item.to} {...item} expanded={expanded} onNavigate={onNavigate} />
      ))}
      <div className="mx-3 my-2 border-t border-line" role="presentation" />
      <p className={`${expanded ? "block" : "hidden lg:block"} px-3 pb-1 text-xs font-medium tracking-wide text-muted uppercase`}>System</p>
      {SYSTEM_NAV.filter((item) => admin || !item.adminOnly).map((item) => (
        <NavItemLink key={item.to} {...item} expanded={expanded} onNavigate={onNavigate} />
      ))}
      <div className="mt-auto flex flex-col gap-1">
        <HealthDot expanded={expanded} />
        <ThemeToggle expanded={expanded} />
      </div>
    </nav>
  );
}

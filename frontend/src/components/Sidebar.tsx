import { useQuery } from "@tanstack/react-query";
import { Activity, Boxes, Database, FlaskConical, House, ListChecks, ScrollText, Server, Users } from "lucide-react";
import { NavLink } from "react-router";
import { metaApi } from "../api/endpoints";
import { queryKeys } from "../api/queryKeys";
import { useIsAdmin } from "../features/auth/useAuth";
import { ThemeToggle } from "./ThemeToggle";

const NAV = [
  { to: "/", label: "Home", Icon: House, end: true },
  { to: "/data", label: "Data", Icon: Database, end: false },
  { to: "/train", label: "Train", Icon: FlaskConical, end: false },
  { to: "/jobs", label: "Jobs", Icon: ListChecks, end: false },
  { to: "/models", label: "Models", Icon: Boxes, end: false },
];

// The machinery behind the work: where it runs, what it wrote down, who may use it. Members see the workers
// (read-only); the server log and the user list are for admins, and the server refuses them to members anyway.
const SYSTEM_NAV = [
  { to: "/workers", label: "Workers", Icon: Server, end: false, adminOnly: false },
  { to: "/logs", label: "Logs", Icon: ScrollText, end: false, adminOnly: true },
  { to: "/users", label: "Users", Icon: Users, end: false, adminOnly: true },
];

type NavItem = (typeof NAV)[number];

function NavItemLink({ to, label, Icon, end }: NavItem) {
  return (
    <NavLink
      to={to}
      end={end}
      title={label}
      aria-label={label}
      className={({ isActive }) =>
        `flex items-center gap-3 rounded-md px-3 py-2 text-sm font-medium transition focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-accent/50 ${
          isActive ? "bg-accent/15 text-accent" : "text-muted hover:bg-raised hover:text-fg"
        }`
      }
    >
      <Icon className="size-4 shrink-0" aria-hidden />
      <span className="hidden lg:inline">{label}</span>
    </NavLink>
  );
}

function HealthDot() {
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
      <span className="hidden lg:inline">{label}</span>
    </div>
  );
}

export function Sidebar() {
  const admin = useIsAdmin();
  return (
    <nav aria-label="Main" className="flex h-full flex-col gap-1 border-r border-line bg-surface p-2 lg:p-3">
      <div className="mb-4 flex items-center gap-2 px-2 py-2">
        <Activity className="size-6 shrink-0 text-accent" aria-hidden />
        <span className="hidden text-base font-semibold tracking-tight lg:inline">FlowML Studio</span>
      </div>
      {NAV.map((item) => (
        <NavItemLink key={item.to} {...item} />
      ))}
      <div className="mx-3 my-2 border-t border-line" role="presentation" />
      <p className="hidden px-3 pb-1 text-xs font-medium tracking-wide text-muted uppercase lg:block">System</p>
      {SYSTEM_NAV.filter((item) => admin || !item.adminOnly).map((item) => (
        <NavItemLink key={item.to} {...item} />
      ))}
      <div className="mt-auto flex flex-col gap-1">
        <HealthDot />
        <ThemeToggle />
      </div>
    </nav>
  );
}

import { ChevronDown, CircleUser, KeyRound, LockKeyhole, LogOut, Users } from "lucide-react";
import { useState } from "react";
import { Link } from "react-router";
import { RoleBadge } from "../../../components/RoleBadge";
import { Button } from "../../../components/ui/button";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "../../../components/ui/dropdown-menu";
import { signOut } from "../api";
import { isAdmin, useUser } from "../../../api/hooks/session";
import { ChangePasswordDialog } from "./ChangePasswordDialog";

/** Who is signed in, and what they can do about their account. */
export function UserMenu() {
  const user = useUser();
  const [passwordOpen, setPasswordOpen] = useState(false);
  const [leaving, setLeaving] = useState(false);
  if (!user) return null;

  // The route guard takes the user to /login once the session is gone.
  function leave() {
    setLeaving(true);
    void signOut();
  }

  return (
    <>
      <DropdownMenu>
        <DropdownMenuTrigger asChild>
          {/* The name is the visible text with words before it ("Account menu for admin Admin"): a voice-control
              user says what they see (WCAG 2.5.3). */}
          <Button variant="ghost" disabled={leaving}>
            <CircleUser aria-hidden />
            <span className="sr-only">Account menu for </span>
            <span className="max-w-40 truncate text-fg">{user.username}</span>
            <RoleBadge role={user.role} />
            <ChevronDown aria-hidden />
          </Button>
        </DropdownMenuTrigger>
        <DropdownMenuContent align="end" className="w-56">
          <DropdownMenuLabel>
            Signed in as <span className="text-fg">{user.username}</span>
          </DropdownMenuLabel>
          <DropdownMenuSeparator />
          <DropdownMenuItem asChild>
            <Link to="/account">
              <KeyRound aria-hidden /> API keys
            </Link>
          </DropdownMenuItem>
          {isAdmin(user) && (
            <DropdownMenuItem asChild>
              <Link to="/users">
                <Users aria-hidden /> Users
              </Link>
            </DropdownMenuItem>
          )}
          <DropdownMenuItem onSelect={() => setPasswordOpen(true)}>
            <LockKeyhole aria-hidden /> Change password
          </DropdownMenuItem>
          <DropdownMenuSeparator />
          <DropdownMenuItem variant="destructive" onSelect={leave}>
            <LogOut aria-hidden /> Sign out
          </DropdownMenuItem>
        </DropdownMenuContent>
      </DropdownMenu>
      <ChangePasswordDialog open={passwordOpen} onOpenChange={setPasswordOpen} />
    </>
  );
}

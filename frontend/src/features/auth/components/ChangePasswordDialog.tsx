import { Button } from "../../../components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "../../../components/ui/dialog";
import { ChangePasswordForm } from "./ChangePasswordForm";

/** Opened from the user menu; controlled, because a menu item that opens a dialog must close its menu first. */
export function ChangePasswordDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Change password</DialogTitle>
          <DialogDescription>This signs you out everywhere, here too: then sign in with the new password.</DialogDescription>
        </DialogHeader>
        {/* Remounted on each opening: no half-typed password survives a close. */}
        {open && (
          <ChangePasswordForm
            onDone={() => onOpenChange(false)}
            extraActions={
              <Button variant="outline" onClick={() => onOpenChange(false)}>
                Cancel
              </Button>
            }
          />
        )}
      </DialogContent>
    </Dialog>
  );
}

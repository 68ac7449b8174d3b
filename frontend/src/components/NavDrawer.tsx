import * as DialogPrimitive from "@radix-ui/react-dialog";
import { Menu, X } from "lucide-react";
import { useState } from "react";
import { Sidebar } from "./Sidebar";

/** On a phone the sidebar folds into this menu button; its drawer is a modal dialog (focus stays inside, Escape
 * closes it and focus returns to the button), and following a link closes it. */
export function NavDrawer() {
  const [open, setOpen] = useState(false);
  return (
    <DialogPrimitive.Root open={open} onOpenChange={setOpen}>
      <DialogPrimitive.Trigger
        aria-label="Open navigation"
        className="inline-flex size-10 items-center justify-center rounded-md border border-line-strong text-fg hover:bg-raised"
      >
        <Menu className="size-5" aria-hidden />
      </DialogPrimitive.Trigger>
      <DialogPrimitive.Portal>
        <DialogPrimitive.Overlay className="fixed inset-0 z-50 bg-black/60" />
        <DialogPrimitive.Content
          aria-describedby={undefined}
          className="fixed inset-y-0 left-0 z-50 flex w-72 max-w-[85vw] flex-col bg-surface shadow-xl focus:outline-none"
        >
          <DialogPrimitive.Title className="sr-only">Navigation</DialogPrimitive.Title>
          <DialogPrimitive.Close
            aria-label="Close navigation"
            className="absolute top-3 right-3 z-10 inline-flex size-10 items-center justify-center rounded-md text-muted hover:bg-raised hover:text-fg"
          >
            <X className="size-5" aria-hidden />
          </DialogPrimitive.Close>
          <Sidebar expanded onNavigate={() => setOpen(false)} />
        </DialogPrimitive.Content>
      </DialogPrimitive.Portal>
    </DialogPrimitive.Root>
  );
}

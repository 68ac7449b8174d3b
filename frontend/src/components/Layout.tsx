import { Outlet } from "react-router";
import { UserMenu } from "../features/auth/components/UserMenu";
import { Sidebar } from "./Sidebar";
import { Toaster } from "./Toaster";
import { TooltipProvider } from "./ui/tooltip";

export function Layout() {
  return (
    <TooltipProvider>
      <div className="flex min-h-screen">
        {/* Keyboard users skip the navigation with the first Tab. */}
        <a
          href="#main"
          className="sr-only focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50 focus:rounded-md focus:bg-accent focus:px-3 focus:py-2 focus:text-sm focus:text-accent-fg"
        >
          Skip to content
        </a>
        <aside className="sticky top-0 h-screen w-16 shrink-0 lg:w-60">
          <Sidebar />
        </aside>
        <main id="main" tabIndex={-1} className="min-w-0 flex-1 px-4 py-6 focus:outline-none sm:px-8">
          <div className="mx-auto max-w-7xl">
            <header className="-mt-2 mb-4 flex items-center justify-end" aria-label="Account">
              <UserMenu />
            </header>
            <Outlet />
          </div>
        </main>
        <Toaster />
      </div>
    </TooltipProvider>
  );
}

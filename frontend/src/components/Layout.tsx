import { Outlet, ScrollRestoration } from "react-router";
import { UserMenu } from "../features/auth/components/UserMenu";
import { NavDrawer } from "./NavDrawer";
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
        {/* A rail of icons from sm, the whole sidebar from lg; below sm the menu button in the header opens it. */}
        <aside className="sticky top-0 hidden h-screen w-16 shrink-0 sm:block lg:w-60">
          <Sidebar />
        </aside>
        <main id="main" tabIndex={-1} className="min-w-0 flex-1 px-4 py-6 focus:outline-none sm:px-8">
          <div className="mx-auto max-w-7xl">
            <header className="-mt-2 mb-4 flex items-center justify-between gap-2 sm:justify-end" aria-label="Account">
              <div className="sm:hidden">
                <NavDrawer />
              </div>
              <UserMenu />
            </header>
            <Outlet />
          </div>
        </main>
        <Toaster />
        {/* A new page opens at its top (the job monitor after "Start training" at the bottom of a long form opened
            scrolled down, its status and Stop off screen); Back restores where the reader was. Keyed by path, so a
            change of the query alone (a tab, a filter, a selected row) keeps the scroll where it is. */}
        <ScrollRestoration getKey={(location) => location.pathname} />
      </div>
    </TooltipProvider>
  );
}

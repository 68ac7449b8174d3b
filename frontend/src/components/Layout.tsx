import { Outlet } from "react-router";
import { Sidebar } from "./Sidebar";
import { Toaster } from "./Toaster";

export function Layout() {
  return (
    <div className="flex min-h-screen">
      <aside className="sticky top-0 h-screen w-16 shrink-0 lg:w-60">
        <Sidebar />
      </aside>
      <main className="min-w-0 flex-1 px-4 py-6 sm:px-8">
        <div className="mx-auto max-w-7xl">
          <Outlet />
        </div>
      </main>
      <Toaster />
    </div>
  );
}

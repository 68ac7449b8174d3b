import { PageHeader } from "../components/PageHeader";
import { AdminOnly } from "../features/auth/components/AdminOnly";
import { LogsView } from "../features/logs/components/LogsView";

export function LogsPage() {
  return (
    <>
      <PageHeader
        title="Logs"
        subtitle="What the server and each training job wrote down: useful when something went wrong."
      />
      {/* The server log may name every user's data: the server answers it to admins only. */}
      <AdminOnly what="The server log">
        <LogsView />
      </AdminOnly>
    </>
  );
}

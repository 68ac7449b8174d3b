import { PageHeader } from "../components/PageHeader";
import { LogsView } from "../features/logs/components/LogsView";

export function LogsPage() {
  return (
    <>
      <PageHeader
        title="Logs"
        subtitle="What the server and each training job wrote down: useful when something went wrong."
      />
      <LogsView />
    </>
  );
}

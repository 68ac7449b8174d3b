import { PageHeader } from "../components/PageHeader";
import { useStats } from "../features/home/api";
import { BestModels } from "../features/home/components/BestModels";
import { GettingStarted } from "../features/home/components/GettingStarted";
import { RecentActivity } from "../features/home/components/RecentActivity";
import { StatTiles } from "../features/home/components/StatTiles";
import { nextStep } from "../features/home/summary";

export function HomePage() {
  const stats = useStats();
  // The steps guide a new user; once a model exists they would only take room.
  const next = stats.data ? nextStep(stats.data) : null;
  return (
    <>
      <PageHeader
        title="Overview"
        subtitle="Upload a table, train models against a time budget, and put the best one to work."
      />
      <div className="space-y-6">
        <StatTiles />
        {next && next !== "predict" && <GettingStarted next={next} />}
        <div className="grid gap-6 lg:grid-cols-2">
          <RecentActivity />
          <BestModels />
        </div>
      </div>
    </>
  );
}

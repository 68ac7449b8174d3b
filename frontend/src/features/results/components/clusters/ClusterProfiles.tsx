import type { ClusterProfile } from "../../../../api/types";
import { formatNumber } from "../../../../lib/format";
import { sharePercent } from "../../../../lib/clusterTrials";
import { clusterColor, topTraits } from "../../clusters";

function Profile({ profile }: { profile: ClusterProfile }) {
  const traits = topTraits(profile, 3);
  return (
    <li className="space-y-2 rounded-lg border border-line p-3" aria-labelledby={`cluster-${profile.id}-name`}>
      <div className="flex items-start gap-2">
        <span className="mt-1.5 size-3 shrink-0 rounded-full" style={{ background: clusterColor(profile.id) }} aria-hidden />
        <div className="min-w-0">
          <h3 id={`cluster-${profile.id}-name`} className="font-semibold break-words">
            {profile.name}
          </h3>
          <p className="text-xs text-muted tabular-nums">
            Cluster {profile.id} · {formatNumber(profile.size)} rows · {sharePercent(profile.share)}
          </p>
        </div>
      </div>
      <div className="h-1.5 overflow-hidden rounded-full bg-raised" aria-hidden>
        <div className="h-full rounded-full" style={{ width: `${Math.max(1, profile.share * 100)}%`, background: clusterColor(profile.id) }} />
      </div>
      {traits.length > 0 ? (
        <ul className="list-inside list-disc space-y-0.5 text-xs text-muted">
          {traits.map((trait) => (
            <li key={trait}>{trait}</li>
          ))}
        </ul>
      ) : (
        <p className="text-sm text-muted">No column sets it clearly apart from the other rows.</p>
      )}
    </li>
  );
}

/** Each cluster: its name (made from what sets it apart), its size, and the traits behind the name. */
export function ClusterProfiles({ profiles }: { profiles: ClusterProfile[] }) {
  return (
    <ul className="grid gap-3 md:grid-cols-2 xl:grid-cols-1" aria-label="Clusters">
      {[...profiles]
        .sort((a, b) => a.id - b.id)
        .map((profile) => (
          <Profile key={profile.id} profile={profile} />
        ))}
    </ul>
  );
}

import { ArrowRightLeft } from "lucide-react";
import { Link } from "react-router";
import { Button } from "../../../components/ui/button";
import { compareUrl } from "../../../lib/links";
import { type CompareTarget, MAX_COMPARE, MIN_COMPARE } from "../compare";

/** The list pages' "Compare N" action: a link to /compare once between MIN and MAX items are ticked, else a
 * disabled button that says how many to tick. */
export function CompareButton({ kind, picked }: { kind: CompareTarget["kind"]; picked: readonly string[] }) {
  const canCompare = picked.length >= MIN_COMPARE && picked.length <= MAX_COMPARE;
  return (
    <Button asChild={canCompare} variant="secondary" disabled={!canCompare} title={`Tick ${MIN_COMPARE} to ${MAX_COMPARE} ${kind} to compare them`}>
      {canCompare ? (
        <Link to={compareUrl(kind, picked)}>
          <ArrowRightLeft aria-hidden /> Compare {picked.length}
        </Link>
      ) : (
        <>
          <ArrowRightLeft aria-hidden /> Compare{picked.length > 0 ? ` ${picked.length}` : ""}
        </>
      )}
    </Button>
  );
}
